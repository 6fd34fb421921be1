import { createHash } from 'node:crypto';
import { AppError, BadRequestError, ServiceUnavailableError, TooManyRequestsError, UnauthorizedError } from '../platform/errors';
import type { Mailer } from '../platform/mailer';
import { retry, TryAgainError } from '../platform/retry';
import type { BreachedPasswordCheck } from './breached-passwords';
import { identityMails } from './mails';
import type { Credential, ExtraWrites, IdentityStore, LoginThrottleStore, Reservation, UserRecord } from './model';
import type { PasswordHasher } from './password-hasher';
import { checkNewPassword, normalisePassword, PasswordPolicyError } from './password-policy';
import { mintToken, newUserId, parseToken, TOKEN_KINDS } from './token-format';
import type { Authenticated, IssuedToken, TokenService } from './tokens';
import type { ChangePasswordInput, LoginInput, ResetInput, ResetRequestInput, SignupInput, VerifyInput } from './schemas';

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
  consume(rule: 'signup-ip' | 'reset-email' | 'reset-ip', key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export interface SecurityEvent {
  event: 'signup' | 'verify_email' | 'login' | 'password_change' | 'password_reset_request' | 'password_reset';
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

  function verificationFor(userId: string, email: string, version: number, nowMs: number) {
    const { token, parsed } = mintToken(settings.stage, TOKEN_KINDS.verification, userId);
    return { token, record: { purpose: 'verify' as const, digest: parsed.digest, userId, email, credentialVersion: version, expiresAtMs: nowMs + settings.verificationLifetimeMs } };
  }

  /** Reserves one attempt for this account and IP before any hashing (429 at the limit). */
  async function reserveAttempt(event: SecurityEvent['event'], email: string, ip: string, userId?: string) {
    const outcome = await throttle.reserve(emailKey(email), ip, now());
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
      const verification = verificationFor(user.userId, email, 0, nowMs);
      const credential: Credential = { userId: user.userId, email, passwordHash, version: 0, emailVerified: false, pendingUntilMs, verifyMailMs: nowMs };
      const created = await store.createUser(user, credential, verification.record);
      let mailed: string | undefined;
      if (created.outcome === 'created') {
        mailed = verification.token;
        log({ event: 'signup', outcome: 'created', email, ip, userId: user.userId });
      } else if (created.existing && !created.existing.emailVerified) {
        // A pending (or expired) account: the newest signup replaces its password and its
        // verification link, so nobody can squat an address or pre-set the password its owner
        // later verifies. (An expired pending account is replaced the same way.)
        const existing = created.existing;
        const fresh = verificationFor(existing.userId, email, existing.version + 1, nowMs);
        const replaced = await store.replacePending(existing, passwordHash, name, fresh.record, pendingUntilMs, nowMs);
        if (replaced) mailed = fresh.token;
        log({ event: 'signup', outcome: replaced ? 'pending_replaced' : 'email_taken', email, ip, userId: existing.userId });
      } else {
        log({ event: 'signup', outcome: 'email_taken', email, ip });
      }
      await mailer.send(mailed ? mails.verification(email, mailed, settings.verificationLifetimeMs) : mails.signupAttempt(email));
    },

    async verifyEmail(input: VerifyInput): Promise<void> {
      const parsed = parseToken(settings.stage, input.token, [TOKEN_KINDS.verification]);
      const nowMs = now();
      const ok = parsed !== undefined && (await store.consumeVerification(parsed.userId, parsed.digest, nowMs, new Date(nowMs).toISOString()));
      log({ event: 'verify_email', outcome: ok ? 'verified' : 'invalid_token', userId: parsed?.userId });
      if (!ok) throw invalidToken();
    },

    /**
     * At most three AWS requests, for every email, known or not: the throttle reservation, one
     * read (credential and counters together), and one write (the token with its credential
     * check and the throttle settlement; or the settlement alone after a wrong password).
     */
    async login(input: LoginInput, ip: string, userAgent = ''): Promise<IssuedToken> {
      const { email, password } = input;
      const reservation = await reserveAttempt('login', email, ip);
      const read = await store.findCredential(email, reservation.read);
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
        const verification = due ? verificationFor(credential.userId, email, credential.version, nowMs) : undefined;
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
      let current = credential;
      // Another login of this user may take the ring's position first (or the credential may
      // change): re-read and try the next position, with a short backoff. Only such a race costs
      // more requests than the three.
      const outcome = await retry<{ issued: IssuedToken } | { changed: true } | { busy: true }>(
        async (round) => {
          const seq = current.sessionSeq ?? 0;
          const slot = seq % MAX_SESSIONS;
          const guard = { by: 'credential' as const, email, version: credential.version, rehash, session: { seq, slot, evict: current.sessionIds?.[String(slot)] } };
          // The first round carries the settlement; a later one only gives the attempt back (the
          // settlement's condition may be what failed).
          const issued = await tokens.issue(credential.userId, TOKEN_KINDS.session, 'login session', settings.sessionLifetimeMs, guard, round === 1 ? settle : throttle.giveBackWrites(reservation, now()), { userAgent, ipAddress: ip });
          if (issued) return { issued };
          const fresh = (await store.findCredential(email)).credential;
          if (!fresh || fresh.userId !== credential.userId || fresh.version !== credential.version || fresh.passwordHash !== credential.passwordHash) return { changed: true };
          if (round >= SESSION_RING_ROUNDS) return { busy: true };
          current = fresh;
          throw new TryAgainError();
        },
        { attempts: SESSION_RING_ROUNDS, baseDelayMs: 5, maxDelayMs: 50 },
      );
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

    async changePassword(auth: Authenticated, input: ChangePasswordInput, ip: string): Promise<void> {
      const current = input.currentPassword;
      const rawNew = input.newPassword;
      const user = auth.user ?? (await store.getUser(auth.userId));
      if (!user) throw new UnauthorizedError();
      // Guessing the current password with a stolen session is throttled like a login, reserved
      // before hashing so parallel guesses cannot pass the limit.
      const reservation = await reserveAttempt('password_change', user.email, ip, user.userId);
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
          throw new AppError(409, 'conflict', 'The password was changed meanwhile. Try again.');
        }
      }
      log({ event: 'password_change', outcome: 'changed', email: user.email, ip, userId: user.userId });
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
        // Mail goes out either way, so the time taken does not tell registered addresses apart.
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
