import { createHash, randomBytes, randomInt } from 'node:crypto';
import { BadRequestError, ConflictError, ServiceUnavailableError, TooManyRequestsError, UnauthorizedError } from '../platform/errors';
import type { Mailer } from '../platform/mailer';
import { retry, TryAgainError } from '../platform/retry';
import type { BreachedPasswordCheck } from './breached-passwords';
import { identityMails } from './mails';
import type { Credential, ExtraWrites, IdentityStore, LoginThrottleStore, PendingSignup, Reservation, UserRecord } from './model';
import type { PasswordHasher } from './password-hasher';
import { checkNewPassword, normalisePassword, PasswordPolicyError } from './password-policy';
import { mintToken, newUserId, parseToken, TOKEN_KINDS } from './token-format';
import type { Authenticated, IssuedToken, SignInPlace, TokenService } from './tokens';
import type { ChangePasswordInput, LoginInput, ResetInput, ResetRequestInput, SignupInput, UnlockInput, VerifyInput } from './schemas';

/** An account whose email is never verified is forgotten after this long. */
export const PENDING_ACCOUNT_MS = 7 * 86_400_000;
/**
 * Live login sessions a user may hold. Every login takes the next slot of a ring of this many on
 * the credential and deletes the session issued in that slot this many logins ago, in the token's
 * own transaction: the newest login always works, the oldest session ends. 100 is far above what a
 * person uses in the 24 h a session lives (a login every 15 minutes all day is 96), and bounds the
 * user's partition (with MAX_PERSONAL_TOKENS) and the credential item (about 3 KB of ring).
 */
export const MAX_SESSIONS = 100;
/** Rounds a login runs when concurrent logins of the same user take the ring's position first. */
const SESSION_RING_ROUNDS = 8;

/**
 * Signups of one unverified address kept at once, each with its own password and link; one more
 * drops the oldest (its link ends). Bounds the lock item; the owner whose signup was dropped signs
 * up again.
 */
export const MAX_PENDING_SIGNUPS = 5;

/** A pending signup's id (a key of the lock's `pendingSignups`, stored on the link mailed for it). */
export function newSignupId(): string {
  return `sgn_${randomBytes(12).toString('base64url')}`;
}

/** The signups to drop so that one more fits under MAX_PENDING_SIGNUPS: the oldest. */
export function signupsToDrop(pending: Record<string, number> | undefined, max = MAX_PENDING_SIGNUPS): string[] {
  const byAge = Object.entries(pending ?? {}).sort(([a, x], [b, y]) => x - y || a.localeCompare(b));
  return byAge.slice(0, Math.max(0, byAge.length - (max - 1))).map(([id]) => id);
}

/** How long an unlock code (POST /v1/sessions/unlock) works. */
export const UNLOCK_CODE_MS = 15 * 60_000;
/** An unlock code: 8 digits. */
export function newUnlockCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}
/** What is stored of an unlock code: a digest bound to its address, never the code. */
export function unlockDigest(email: string, code: string): string {
  return createHash('sha256').update(`helpshelf:unlock:${email}:${code}`, 'utf8').digest('hex');
}
/** The sign-in attempts' throttle as seen by an attempt an unlock code let through: nothing to reserve or settle. */
const UNTHROTTLED: Pick<LoginThrottleStore, 'settleFailure' | 'successWrites' | 'giveBackWrites'> = {
  settleFailure: async () => undefined,
  successWrites: () => [],
  giveBackWrites: () => [],
};

/** At most one fresh verification mail per account in this long (login of an unverified account). */
export const VERIFY_MAIL_INTERVAL_MS = 10 * 60_000;

export interface AccountSettings {
  stage: string;
  minPasswordLength: number;
  sessionLifetimeMs: number;
  verificationLifetimeMs: number;
  resetLifetimeMs: number;
  /** What an unreachable breached-password service means: accept (open) or 503 (closed). */
  breachCheckFailOpen: boolean;
  websiteUrl: string;
}

export interface RateLimiter {
  /** Counts one event; `allowed` false once the limit of the rule is passed. */
  consume(rule: 'signup-ip' | 'reset-email' | 'reset-ip' | 'unlock-email' | 'unlock-ip', key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export interface SecurityEvent {
  event: 'signup' | 'verify_email' | 'login' | 'password_change' | 'password_reset_request' | 'password_reset' | 'unlock_request';
  outcome: string;
  email?: string;
  userId?: string;
  ip?: string;
}

/**
 * The second factor of a password sign-in, for accounts whose authenticator app is on
 * (lib/identity/mfa). Functions that never sign in leave it out (their bundles stay small), and
 * then an account with the app on cannot sign in through them: fail closed.
 */
export interface SecondFactorCheck {
  verifySecondFactor(owner: { userId: string; email: string }, input: { otp?: string; recoveryCode?: string }): Promise<'ok' | 'missing' | 'invalid'>;
}

export const NO_SECOND_FACTOR: SecondFactorCheck = { verifySecondFactor: async () => 'invalid' };

export interface AccountDeps {
  store: IdentityStore;
  secondFactor?: SecondFactorCheck;
  throttle: LoginThrottleStore;
  hasher: PasswordHasher;
  breachCheck: BreachedPasswordCheck;
  commonPasswords: () => ReadonlySet<string>;
  mailer: Mailer;
  limiter: RateLimiter;
  tokens: TokenService;
  settings: AccountSettings;
  now: () => number;
  securityLog: (event: Omit<SecurityEvent, 'email'> & { emailHash?: string }) => void;
}

/** A stable pseudonym of an email for logs and counters: never the address itself. */
export function emailKey(email: string): string {
  return createHash('sha256').update(`helpshelf:email:${email}`, 'utf8').digest('hex').slice(0, 32);
}

/** The throttle counter of one session's own password checks (a pseudonym of its token id). */
export function sessionThrottleKey(tokenId: string): string {
  return `s${createHash('sha256').update(`helpshelf:session:${tokenId}`, 'utf8').digest('hex').slice(0, 31)}`;
}

const invalidCredentials = () => new UnauthorizedError('invalid_credentials', 'The email or password is not correct.');
const secondFactorRequired = () =>
  new UnauthorizedError('second_factor_required', 'This account has an authenticator app: send the current code as `otp`, or a recovery code as `recoveryCode`.');
const invalidToken = () => new BadRequestError('invalid_token', 'This link or token is not valid: it is unknown, already used or expired.');

export function accountService(deps: AccountDeps) {
  const { store, throttle, hasher, tokens, settings, now, mailer } = deps;
  const mails = identityMails(settings.websiteUrl);
  const log = (event: SecurityEvent) => {
    const { email, ...rest } = event;
    deps.securityLog({ ...rest, emailHash: email ? emailKey(email) : undefined });
  };

  /** The whole policy for a new password, breached-password check last (it is the slow one). */
  async function acceptableNewPassword(raw: string, email: string, fieldName: string): Promise<string> {
    const password = normalisePassword(raw, fieldName);
    checkNewPassword(password, email, { minLength: settings.minPasswordLength, commonPasswords: deps.commonPasswords() });
    const breached = await deps.breachCheck.isBreached(password);
    if (breached) throw new PasswordPolicyError('password_breached', 'This password appears in a known data breach; choose another.');
    if (breached === undefined && !settings.breachCheckFailOpen) {
      throw new ServiceUnavailableError('The password could not be checked against known breaches. Try again shortly.');
    }
    return password;
  }

  /** A pending (unverified) account past its 7 days counts as no account at all. */
  function live(credential: Credential | undefined, nowMs: number): Credential | undefined {
    if (!credential) return undefined;
    if (!credential.emailVerified && credential.pendingUntilMs !== undefined && credential.pendingUntilMs <= nowMs) return undefined;
    return credential;
  }

  /** A verification link bound to the signup it is mailed for (its password hash and name). */
  function verificationFor(userId: string, email: string, version: number, nowMs: number, signup: PendingSignup) {
    const { token, parsed } = mintToken(settings.stage, TOKEN_KINDS.verification, userId);
    return { token, record: { purpose: 'verify' as const, digest: parsed.digest, userId, email, credentialVersion: version, expiresAtMs: nowMs + settings.verificationLifetimeMs, signup } };
  }

  /**
   * Reserves one attempt for this account (or, with `key`, another counter such as a session's)
   * and IP before any hashing (429 at the limit).
   */
  async function reserveAttempt(event: SecurityEvent['event'], email: string, ip: string, userId?: string, key = emailKey(email)) {
    const outcome = await throttle.reserve(key, ip, now());
    if ('retryAfterSeconds' in outcome) {
      log({ event, outcome: 'throttled', email, ip, userId });
      throw new TooManyRequestsError(outcome.retryAfterSeconds);
    }
    return outcome.reservation;
  }

  /**
   * Applies a correct password's settlement; when its condition failed (an attempt was reserved
   * past the free allowance since the read), gives the attempt back alone.
   */
  async function settleSuccess(reservation: Reservation, writes: ExtraWrites): Promise<void> {
    if (!(await store.applyWrites(writes))) await store.applyWrites(throttle.giveBackWrites(reservation, now()));
  }

  /**
   * Issues a login session for a credential just proved (a password, or a passkey), taking the
   * next slot of the session ring. Another login of this user may take the ring's position first
   * (or the credential may change): re-read and try the next position, with a short backoff. Only
   * such a race costs more requests. `first` rides on the first round's transaction (the throttle
   * settlement); `later()` on every other round (the attempt given back alone).
   */
  async function takeSessionSlot(
    credential: Credential,
    rehash: { from: string; to: string } | undefined,
    first: ExtraWrites | undefined,
    later: () => ExtraWrites | undefined,
    place?: SignInPlace,
  ): Promise<{ issued: IssuedToken } | { changed: true } | { busy: true }> {
    let current = credential;
    const email = credential.email;
    return retry<{ issued: IssuedToken } | { changed: true } | { busy: true }>(
      async (round) => {
        const seq = current.sessionSeq ?? 0;
        const slot = seq % MAX_SESSIONS;
        const guard = { by: 'credential' as const, email, version: credential.version, rehash, session: { seq, slot, evict: current.sessionIds?.[String(slot)] } };
        const issued = await tokens.issue({ userId: credential.userId, kind: TOKEN_KINDS.session, name: 'login session', lifetimeMs: settings.sessionLifetimeMs, guard, extra: round === 1 ? first : later(), place });
        if (issued) return { issued };
        const fresh = (await store.findCredential(email)).credential;
        if (!fresh || fresh.userId !== credential.userId || fresh.version !== credential.version || fresh.passwordHash !== credential.passwordHash) return { changed: true };
        if (round >= SESSION_RING_ROUNDS) return { busy: true };
        current = fresh;
        throw new TryAgainError();
      },
      { attempts: SESSION_RING_ROUNDS, baseDelayMs: 5, maxDelayMs: 50 },
    );
  }

  return {
    async signup(input: SignupInput, ip: string): Promise<void> {
      const { email } = input;
      const name = input.name ?? null;
      const password = await acceptableNewPassword(input.password, email, 'password');
      const limit = await deps.limiter.consume('signup-ip', ip);
      if (!limit.allowed) throw new TooManyRequestsError(limit.retryAfterSeconds, 'too_many_requests', 'Too many signups from this address. Try again later.');

      // Hashing happens for registered emails too. A new or a verified address is two requests
      // (rate limit, one transaction that fails on a taken address and returns what holds it),
      // so the answers take the same time whether or not the address is registered.
      const passwordHash = await hasher.hash(password);
      const nowMs = now();
      const pendingUntilMs = nowMs + PENDING_ACCOUNT_MS;
      const user: UserRecord = { userId: newUserId(), email, name, emailVerified: false, createdAt: new Date(nowMs).toISOString() };
      // This signup's password is bound to the link mailed for it: only that password verifies it.
      const signup: PendingSignup = { id: newSignupId(), passwordHash, name };
      const verification = verificationFor(user.userId, email, 0, nowMs, signup);
      const credential: Credential = {
        userId: user.userId, email, passwordHash, version: 0, emailVerified: false, pendingUntilMs, verifyMailMs: nowMs, pendingSignups: { [signup.id]: nowMs }, signupId: signup.id,
      };
      const created = await store.createUser(user, credential, verification.record);
      let mailed: string | undefined;
      if (created.outcome === 'created') {
        mailed = verification.token;
        log({ event: 'signup', outcome: 'created', email, ip, userId: user.userId });
      } else if (created.existing && !created.existing.emailVerified) {
        // A pending account: this signup joins the others, each with its own password and link
        // (a later signup never replaces an earlier one's, so nobody can pre-set the password an
        // owner verifies with their own link). An expired pending account starts over.
        const existing = created.existing;
        const restart = !live(existing, nowMs);
        const fresh = verificationFor(existing.userId, email, restart ? existing.version + 1 : existing.version, nowMs, signup);
        const added = restart
          ? await store.restartPending(existing, fresh.record, pendingUntilMs, nowMs)
          : await store.addPendingSignup(existing, fresh.record, signupsToDrop(existing.pendingSignups), pendingUntilMs, nowMs);
        if (added) mailed = fresh.token;
        log({ event: 'signup', outcome: added ? (restart ? 'pending_restarted' : 'pending_added') : 'email_taken', email, ip, userId: existing.userId });
      } else {
        log({ event: 'signup', outcome: 'email_taken', email, ip });
      }
      await mailer.send(mailed ? mails.verification(email, mailed, settings.verificationLifetimeMs) : mails.signupAttempt(email));
    },

    /**
     * The token and the password chosen at the signup that mailed it; one 400 for every failure.
     * A usable token costs a throttle reservation (keyed by its address, like a login) before the
     * hash is checked: four requests (the link, the reservation, the counters, the verification
     * with the settlement).
     */
    async verifyEmail(input: VerifyInput, ip: string): Promise<void> {
      const parsed = parseToken(settings.stage, input.token, [TOKEN_KINDS.verification]);
      const token = parsed ? await store.peekVerification(parsed.userId, parsed.digest, now()) : undefined;
      const signup = token?.signup;
      if (!token || !signup) {
        log({ event: 'verify_email', outcome: 'invalid_token', ip, userId: parsed?.userId });
        throw invalidToken();
      }
      const reservation = await reserveAttempt('verify_email', token.email, ip, token.userId);
      const read = await store.findCredential(token.email, reservation.read);
      const verified = await hasher.verify(signup.passwordHash, input.password);
      if (!verified.ok) {
        await throttle.settleFailure(reservation, read.also, now());
        log({ event: 'verify_email', outcome: 'wrong_password', email: token.email, ip, userId: token.userId });
        throw invalidToken();
      }
      const consume = (extra: ExtraWrites) => {
        const nowMs = now();
        return store.consumeVerification({ ...token, signup }, nowMs, new Date(nowMs).toISOString(), extra);
      };
      // As a login: the settlement in the verification's transaction; if its condition failed,
      // once more with the attempt only given back; a token no longer usable gives it back alone.
      const ok = (await consume(throttle.successWrites(reservation, read.also, now()))) || (await consume(throttle.giveBackWrites(reservation, now())));
      if (!ok) await store.applyWrites(throttle.giveBackWrites(reservation, now()));
      log({ event: 'verify_email', outcome: ok ? 'verified' : 'invalid_token', email: token.email, ip, userId: token.userId });
      if (!ok) throw invalidToken();
    },

    /**
     * At most three AWS requests, for every email, known or not: the throttle reservation, one
     * read (credential and counters together), and one write (the token with its credential
     * check and the throttle settlement; or the settlement alone after a wrong password).
     */
    async login(input: LoginInput, ip: string, userAgent = ''): Promise<IssuedToken> {
      const { email, password } = input;
      // A valid unlock code (mailed to the address) lets this one attempt through the throttle
      // (issue 21 §3): used up here, whatever the password; a wrong or used code is ignored.
      const unlocked = input.code ? await store.consumeUnlockCode(email, unlockDigest(email, input.code), now()) : false;
      const throttle = unlocked ? UNTHROTTLED : deps.throttle;
      const reservation: Reservation = unlocked ? { accountKey: '', ip, path: 'account', read: { table: '', keys: [] } } : await reserveAttempt('login', email, ip);
      const read = await store.findCredential(email, unlocked ? undefined : reservation.read);
      const credential = live(read.credential, now());
      let verified: { ok: boolean; upgrade: boolean } = { ok: false, upgrade: false };
      if (credential) verified = await hasher.verify(credential.passwordHash, password);
      else await hasher.verifyDummy(password);
      if (!credential || !verified.ok) {
        await throttle.settleFailure(reservation, read.also, now());
        log({ event: 'login', outcome: 'invalid_credentials', email, ip, userId: credential?.userId });
        throw invalidCredentials();
      }
      const settle = throttle.successWrites(reservation, read.also, now());
      if (!credential.emailVerified) {
        // The same 401 as a wrong password (a distinct answer told which emails are registered);
        // the owner gets a fresh link instead, at most one per VERIFY_MAIL_INTERVAL_MS.
        const nowMs = now();
        const due = credential.verifyMailMs === undefined || nowMs - credential.verifyMailMs >= VERIFY_MAIL_INTERVAL_MS;
        // The fresh link is for the signup whose password this login just proved (the lock holds
        // the newest signup's hash): it verifies with that password only, so a login mints nothing
        // usable by anyone who does not know it.
        const signup: PendingSignup = { id: credential.signupId ?? newSignupId(), passwordHash: credential.passwordHash };
        const verification = due ? verificationFor(credential.userId, email, credential.version, nowMs, signup) : undefined;
        const sent = verification !== undefined && (await store.putFreshVerification(credential, verification.record, nowMs, settle));
        if (sent) await mailer.send(mails.verification(email, verification.token, settings.verificationLifetimeMs));
        else await settleSuccess(reservation, settle);
        log({ event: 'login', outcome: sent ? 'email_not_verified_mailed' : 'email_not_verified', email, ip, userId: credential.userId });
        throw invalidCredentials();
      }
      if (credential.totp) {
        // The right password is not enough. A wrong code counts as a failure in the throttle (a
        // code is 6 digits: guesses must stay as slow as password guesses); no code at all gives
        // the attempt back (the page's first step asks for the password alone).
        const factor = await (deps.secondFactor ?? NO_SECOND_FACTOR).verifySecondFactor({ userId: credential.userId, email }, { otp: input.otp ?? undefined, recoveryCode: input.recoveryCode ?? undefined });
        if (factor !== 'ok') {
          if (factor === 'missing') await store.applyWrites(throttle.giveBackWrites(reservation, now()));
          else await throttle.settleFailure(reservation, read.also, now());
          log({ event: 'login', outcome: factor === 'missing' ? 'second_factor_missing' : 'second_factor_invalid', email, ip, userId: credential.userId });
          throw secondFactorRequired();
        }
      }
      const rehash = verified.upgrade ? { from: credential.passwordHash, to: await hasher.hash(password) } : undefined;
      const outcome = await takeSessionSlot(credential, rehash, settle, () => throttle.giveBackWrites(reservation, now()), { userAgent, ipAddress: ip });
      const issued = 'issued' in outcome ? outcome.issued : undefined;
      const changed = 'changed' in outcome;
      if (!issued && !changed) {
        // Still losing the ring to concurrent logins of this user after every round.
        await store.applyWrites(throttle.giveBackWrites(reservation, now()));
        throw new ServiceUnavailableError('Too many logins to this account at once. Try again shortly.');
      }
      if (!issued) {
        // The password changed (or everything was revoked) between the read and this write: the
        // password just checked is no longer the credential, so no token is issued for it.
        await store.applyWrites(throttle.giveBackWrites(reservation, now()));
        log({ event: 'login', outcome: 'credential_changed', email, ip, userId: credential.userId });
        throw invalidCredentials();
      }
      log({ event: 'login', outcome: 'success', email, ip, userId: credential.userId });
      return issued;
    },

    /**
     * A session for the account a passkey assertion just proved (lib/identity/passkeys): no
     * password, no second factor (a passkey with user verification is two factors in one), no
     * password throttle (an assertion cannot be guessed). The account must still be verified and
     * its credential the one the passkey was registered to.
     */
    async signInWithPasskey(userId: string, email: string, ip: string): Promise<IssuedToken> {
      const credential = live((await store.findCredential(email)).credential, now());
      if (!credential || credential.userId !== userId || !credential.emailVerified) {
        log({ event: 'login', outcome: 'passkey_account_unusable', email, ip, userId });
        throw invalidCredentials();
      }
      const outcome = await takeSessionSlot(credential, undefined, undefined, () => undefined);
      if ('busy' in outcome) throw new ServiceUnavailableError('Too many logins to this account at once. Try again shortly.');
      if ('changed' in outcome) throw invalidCredentials();
      log({ event: 'login', outcome: 'success_passkey', email, ip, userId });
      return outcome.issued;
    },

    async changePassword(auth: Authenticated, input: ChangePasswordInput, ip: string): Promise<void> {
      const current = input.currentPassword;
      const rawNew = input.newPassword;
      const user = auth.user ?? (await store.getUser(auth.userId));
      if (!user) throw new UnauthorizedError();
      // Guessing the current password with a stolen session is throttled like a login, reserved
      // before hashing so parallel guesses cannot pass the limit; by this session's own counter,
      // not the account's: logins of the account in flight elsewhere (someone holding a stolen
      // password, say) hold the account counter's allowance, and must not refuse the owner's
      // change (issue 21 §3).
      const reservation = await reserveAttempt('password_change', user.email, ip, user.userId, sessionThrottleKey(auth.tokenId));
      const read = await store.findCredential(user.email, reservation.read);
      const credential = read.credential?.userId === user.userId ? read.credential : undefined;
      const verified = credential ? await hasher.verify(credential.passwordHash, current) : (await hasher.verifyDummy(current), { ok: false });
      if (!credential || !verified.ok) {
        await throttle.settleFailure(reservation, read.also, now());
        log({ event: 'password_change', outcome: 'invalid_credentials', email: user.email, ip, userId: user.userId });
        throw invalidCredentials();
      }
      // The correct current password's settlement goes into the change's own transaction (four
      // requests in all: the authenticated read, the reservation, the credential read, the change).
      let newHash: string;
      try {
        newHash = await hasher.hash(await acceptableNewPassword(rawNew, user.email, 'newPassword'));
      } catch (error) {
        await settleSuccess(reservation, throttle.successWrites(reservation, read.also, now()));
        throw error;
      }
      // The hash is replaced only if nobody changed it meanwhile, and in the same transaction the
      // credential version moves on: every other token of the caller is revoked, and a login
      // that checked the old password cannot write a token any more.
      const sparesPersonal = auth.kind === 'personal';
      const change = (extra: ExtraWrites) => store.changePassword(credential, newHash, auth.tokenId, extra, sparesPersonal);
      if (!(await change(throttle.successWrites(reservation, read.also, now())))) {
        // The settlement's condition (an attempt reserved since, past the allowance) or the
        // credential failed it: the change once more with the attempt only given back, as login.
        if (!(await change(throttle.giveBackWrites(reservation, now())))) {
          await store.applyWrites(throttle.giveBackWrites(reservation, now()));
          throw new ConflictError('conflict', 'The password was changed meanwhile. Try again.');
        }
      }
      log({ event: 'password_change', outcome: 'changed', email: user.email, ip, userId: user.userId });
    },

    /**
     * POST /v1/sessions/unlock: a registered address is mailed a one-time code that lets one
     * sign-in attempt through the throttle. The same requests for an unregistered address (the
     * code's write refused, a mail saying no account uses it) and the same 202.
     */
    async requestUnlock(input: UnlockInput, ip: string): Promise<void> {
      const { email } = input;
      const byIp = await deps.limiter.consume('unlock-ip', ip);
      if (!byIp.allowed) throw new TooManyRequestsError(byIp.retryAfterSeconds, 'too_many_requests', 'Too many sign-in code requests. Try again later.');
      const byEmail = await deps.limiter.consume('unlock-email', emailKey(email));
      if (!byEmail.allowed) {
        log({ event: 'unlock_request', outcome: 'limited', email, ip });
        return;
      }
      const credential = live((await store.findCredential(email)).credential, now());
      const registered = credential?.emailVerified ? credential : undefined;
      const code = newUnlockCode();
      await store.putUnlockCode(email, unlockDigest(email, code), now() + UNLOCK_CODE_MS, registered?.userId);
      await mailer.send(registered ? mails.unlock(email, code, UNLOCK_CODE_MS) : mails.unlockForUnknownAddress(email));
      log({ event: 'unlock_request', outcome: registered ? 'sent' : 'unknown_email', email, ip, userId: registered?.userId });
    },

    async requestReset(input: ResetRequestInput, ip: string): Promise<void> {
      const { email } = input;
      const byIp = await deps.limiter.consume('reset-ip', ip);
      if (!byIp.allowed) throw new TooManyRequestsError(byIp.retryAfterSeconds, 'too_many_requests', 'Too many reset requests. Try again later.');
      // A per-address limit keeps this from becoming a way to flood someone's inbox; the answer
      // stays the same 202 so it reveals nothing either.
      const byEmail = await deps.limiter.consume('reset-email', emailKey(email));
      if (!byEmail.allowed) {
        log({ event: 'password_reset_request', outcome: 'limited', email, ip });
        return;
      }
      const credential = live((await store.findCredential(email)).credential, now());
      if (!credential) {
        // The same requests as a registered address (a token write that stores nothing, and a
        // mail), so the time taken does not tell registered addresses apart (issue 21 §3).
        await store.putNothing('reset', mintToken(settings.stage, TOKEN_KINDS.reset, newUserId()).parsed.digest);
        await mailer.send(mails.resetForUnknownAddress(email));
        log({ event: 'password_reset_request', outcome: 'unknown_email', email, ip });
        return;
      }
      const { token, parsed } = mintToken(settings.stage, TOKEN_KINDS.reset, credential.userId);
      // The token carries the credential version: a reset or change after this ends it.
      await store.putOneTimeToken({ purpose: 'reset', digest: parsed.digest, userId: credential.userId, email, credentialVersion: credential.version, expiresAtMs: now() + settings.resetLifetimeMs });
      await mailer.send(mails.reset(email, token, settings.resetLifetimeMs));
      log({ event: 'password_reset_request', outcome: 'sent', email, ip, userId: credential.userId });
    },

    async resetPassword(input: ResetInput, ip: string): Promise<void> {
      // The new password's shape was checked by the route's schema: a bad request does not burn the token.
      const rawNew = input.newPassword;
      const parsed = parseToken(settings.stage, input.token, [TOKEN_KINDS.reset]);
      const reset = parsed ? await store.peekReset(parsed.userId, parsed.digest, now()) : undefined;
      if (!parsed || !reset) {
        log({ event: 'password_reset', outcome: 'invalid_token', ip, userId: parsed?.userId });
        throw invalidToken();
      }
      const next = await acceptableNewPassword(rawNew, reset.email, 'newPassword');
      const newHash = await hasher.hash(next);
      const nowMs = now();
      if (!(await store.consumeReset(reset, nowMs, newHash, new Date(nowMs).toISOString()))) {
        log({ event: 'password_reset', outcome: 'invalid_token', email: reset.email, ip, userId: reset.userId });
        throw invalidToken();
      }
      log({ event: 'password_reset', outcome: 'reset', email: reset.email, ip, userId: reset.userId });
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;

/** GET /v1/me: the account and the billing fields billing keeps on the user item (nulls until then). */
export function accountView(user: UserRecord) {
  return {
    id: user.userId,
    email: user.email,
    name: user.name ?? null,
    billing: {
      status: user.billing?.status ?? null,
      plan: user.billing?.plan ?? null,
      customerId: user.billing?.customerId ?? null,
    },
  };
}
