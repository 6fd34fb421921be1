import { createHash } from 'node:crypto';
import { AppError, BadRequestError, ForbiddenError, ServiceUnavailableError, TooManyRequestsError, UnauthorizedError } from '../platform/errors';
import type { Mailer } from '../platform/mailer';
import type { BreachedPasswordCheck } from './breached-passwords';
import { normaliseEmail } from '../platform/email';
import { retryAfterSeconds } from './login-throttle';
import { identityMails } from './mails';
import type { IdentityStore, LoginThrottleStore, UserRecord } from './model';
import type { PasswordHasher } from './password-hasher';
import { checkNewPassword, normalisePassword, PasswordPolicyError } from './password-policy';
import { mintToken, newUserId, parseToken, TOKEN_KINDS } from './token-format';
import type { Authenticated, IssuedToken, TokenService } from './tokens';

/** Never a real user id (ids are `usr_` + base64url, which has no '!'). */
const NO_SUCH_USER = 'usr_!none';

export const MAX_NAME_LENGTH = 100;

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

export interface AccountDeps {
  store: IdentityStore;
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

function field(body: Record<string, unknown>, name: string): unknown {
  const value = body[name];
  if (value === undefined || value === null) throw new BadRequestError('invalid_request', `${name} is required.`);
  return value;
}

function optionalName(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new BadRequestError('invalid_request', 'name must be a string.');
  const name = value.normalize('NFC').trim();
  if (name.length === 0) return null;
  if ([...name].length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new BadRequestError('invalid_name', `name must be at most ${MAX_NAME_LENGTH} printable characters.`);
  }
  return name;
}

const invalidCredentials = () => new UnauthorizedError('invalid_credentials', 'The email or password is not correct.');
const invalidToken = () => new BadRequestError('invalid_token', 'This link or token is not valid: it is unknown, already used or expired.');

export function accountService(deps: AccountDeps) {
  const { store, throttle, hasher, tokens, settings, now, mailer } = deps;
  const mails = identityMails(settings.websiteUrl);
  const log = (event: SecurityEvent) => {
    const { email, ...rest } = event;
    deps.securityLog({ ...rest, emailHash: email ? emailKey(email) : undefined });
  };

  /** The whole policy for a new password, breached-password check last (it is the slow one). */
  async function acceptableNewPassword(raw: unknown, email: string, fieldName: string): Promise<string> {
    const password = normalisePassword(raw, fieldName);
    checkNewPassword(password, email, { minLength: settings.minPasswordLength, commonPasswords: deps.commonPasswords() });
    const breached = await deps.breachCheck.isBreached(password);
    if (breached) throw new PasswordPolicyError('password_breached', 'This password appears in a known data breach; choose another.');
    if (breached === undefined && !settings.breachCheckFailOpen) {
      throw new ServiceUnavailableError('The password could not be checked against known breaches. Try again shortly.');
    }
    return password;
  }

  async function checkThrottle(email: string, ip: string) {
    const state = await throttle.load(emailKey(email), ip);
    const wait = retryAfterSeconds(state, now());
    return { state, wait };
  }

  return {
    async signup(body: Record<string, unknown>, ip: string): Promise<void> {
      const email = normaliseEmail(field(body, 'email'));
      const name = optionalName(body.name);
      const password = await acceptableNewPassword(field(body, 'password'), email, 'password');
      const limit = await deps.limiter.consume('signup-ip', ip);
      if (!limit.allowed) throw new TooManyRequestsError(limit.retryAfterSeconds, 'too_many_requests', 'Too many signups from this address. Try again later.');

      // Hashing happens for registered emails too, so both answers take the same time.
      const passwordHash = await hasher.hash(password);
      const nowMs = now();
      const user: UserRecord = {
        userId: newUserId(),
        email,
        name,
        passwordHash,
        emailVerified: false,
        createdAt: new Date(nowMs).toISOString(),
      };
      const { token, parsed } = mintToken(settings.stage, TOKEN_KINDS.verification, user.userId);
      const outcome = await store.createUser(user, { purpose: 'verify', digest: parsed.digest, userId: user.userId, expiresAtMs: nowMs + settings.verificationLifetimeMs });
      if (outcome === 'created') {
        await mailer.send(mails.verification(email, token, settings.verificationLifetimeMs));
      } else {
        await mailer.send(mails.signupAttempt(email));
      }
      log({ event: 'signup', outcome, email, ip, userId: outcome === 'created' ? user.userId : undefined });
    },

    async verifyEmail(body: Record<string, unknown>): Promise<void> {
      const raw = field(body, 'token');
      if (typeof raw !== 'string') throw new BadRequestError('invalid_request', 'token must be a string.');
      const parsed = parseToken(settings.stage, raw, [TOKEN_KINDS.verification]);
      const nowMs = now();
      const ok = parsed !== undefined && (await store.consumeVerification(parsed.userId, parsed.digest, nowMs, new Date(nowMs).toISOString()));
      log({ event: 'verify_email', outcome: ok ? 'verified' : 'invalid_token', userId: parsed?.userId });
      if (!ok) throw invalidToken();
    },

    async login(body: Record<string, unknown>, ip: string): Promise<IssuedToken> {
      const email = normaliseEmail(field(body, 'email'));
      const password = normalisePassword(field(body, 'password'));
      const [{ state, wait }, userId] = await Promise.all([checkThrottle(email, ip), store.findUserIdByEmail(email)]);
      if (wait > 0) {
        log({ event: 'login', outcome: 'throttled', email, ip });
        throw new TooManyRequestsError(wait);
      }
      const trustedPair = state.pair !== undefined;
      // A user read happens either way (for an unknown email, of an id no account can have), so
      // an unknown email costs the same round trips as a known one, as the dummy hash costs the same as a hash.
      const user = await store.getUser(userId ?? NO_SUCH_USER);
      let verified: { ok: boolean; upgrade: boolean } = { ok: false, upgrade: false };
      if (user) verified = await hasher.verify(user.passwordHash, password);
      else await hasher.verifyDummy(password);
      if (!user || !verified.ok) {
        await throttle.recordFailure(emailKey(email), ip, trustedPair, now());
        log({ event: 'login', outcome: 'invalid_credentials', email, ip, userId: user?.userId });
        throw invalidCredentials();
      }
      const upgrade = verified.upgrade
        ? hasher.hash(password).then((h) => store.replacePasswordHash(user.userId, user.passwordHash, h))
        : Promise.resolve(true);
      await Promise.all([throttle.recordSuccess(emailKey(email), ip, now()), upgrade]);
      if (!user.emailVerified) {
        log({ event: 'login', outcome: 'email_not_verified', email, ip, userId: user.userId });
        throw new ForbiddenError('email_not_verified', 'Confirm your email address first: follow the link in the email we sent.');
      }
      const issued = await tokens.issue(user.userId, TOKEN_KINDS.session, 'login session', settings.sessionLifetimeMs);
      log({ event: 'login', outcome: 'success', email, ip, userId: user.userId });
      return issued;
    },

    async changePassword(auth: Authenticated, body: Record<string, unknown>, ip: string): Promise<void> {
      const current = normalisePassword(field(body, 'currentPassword'), 'currentPassword');
      const rawNew = field(body, 'newPassword');
      const user = auth.user ?? (await store.getUser(auth.userId));
      if (!user) throw new UnauthorizedError();
      const { wait, state } = await checkThrottle(user.email, ip);
      if (wait > 0) {
        log({ event: 'password_change', outcome: 'throttled', email: user.email, ip, userId: user.userId });
        throw new TooManyRequestsError(wait);
      }
      const verified = await hasher.verify(user.passwordHash, current);
      if (!verified.ok) {
        await throttle.recordFailure(emailKey(user.email), ip, state.pair !== undefined, now());
        log({ event: 'password_change', outcome: 'invalid_credentials', email: user.email, ip, userId: user.userId });
        throw invalidCredentials();
      }
      const next = await acceptableNewPassword(rawNew, user.email, 'newPassword');
      const newHash = await hasher.hash(next);
      // The hash is replaced only if nobody changed it meanwhile, and in the same transaction every
      // other token of the caller is revoked (the "valid after" mark, sparing the current token).
      const replaced = await store.replacePasswordHash(user.userId, user.passwordHash, newHash, { validAfterMs: now(), exceptTokenId: auth.tokenId });
      if (!replaced) throw new AppError(409, 'conflict', 'The password was changed meanwhile. Try again.');
      log({ event: 'password_change', outcome: 'changed', email: user.email, ip, userId: user.userId });
    },

    async requestReset(body: Record<string, unknown>, ip: string): Promise<void> {
      const email = normaliseEmail(field(body, 'email'));
      const byIp = await deps.limiter.consume('reset-ip', ip);
      if (!byIp.allowed) throw new TooManyRequestsError(byIp.retryAfterSeconds, 'too_many_requests', 'Too many reset requests. Try again later.');
      // A per-address limit keeps this from becoming a way to flood someone's inbox; the answer
      // stays the same 202 so it reveals nothing either.
      const byEmail = await deps.limiter.consume('reset-email', emailKey(email));
      if (!byEmail.allowed) {
        log({ event: 'password_reset_request', outcome: 'limited', email, ip });
        return;
      }
      const userId = await store.findUserIdByEmail(email);
      if (!userId) {
        // Mail goes out either way, so the time taken does not tell registered addresses apart.
        await mailer.send(mails.resetForUnknownAddress(email));
        log({ event: 'password_reset_request', outcome: 'unknown_email', email, ip });
        return;
      }
      const { token, parsed } = mintToken(settings.stage, TOKEN_KINDS.reset, userId);
      await store.putOneTimeToken({ purpose: 'reset', digest: parsed.digest, userId, expiresAtMs: now() + settings.resetLifetimeMs });
      await mailer.send(mails.reset(email, token, settings.resetLifetimeMs));
      log({ event: 'password_reset_request', outcome: 'sent', email, ip, userId });
    },

    async resetPassword(body: Record<string, unknown>, ip: string): Promise<void> {
      const raw = field(body, 'token');
      const rawNew = field(body, 'newPassword');
      if (typeof raw !== 'string') throw new BadRequestError('invalid_request', 'token must be a string.');
      // The new password's shape is checked first: a bad request does not burn the token.
      normalisePassword(rawNew, 'newPassword');
      const parsed = parseToken(settings.stage, raw, [TOKEN_KINDS.reset]);
      const user = parsed ? await store.peekReset(parsed.userId, parsed.digest, now()) : undefined;
      if (!parsed || !user) {
        log({ event: 'password_reset', outcome: 'invalid_token', ip, userId: parsed?.userId });
        throw invalidToken();
      }
      const next = await acceptableNewPassword(rawNew, user.email, 'newPassword');
      const newHash = await hasher.hash(next);
      const nowMs = now();
      if (!(await store.consumeReset(user.userId, parsed.digest, nowMs, newHash, new Date(nowMs).toISOString()))) {
        log({ event: 'password_reset', outcome: 'invalid_token', email: user.email, ip, userId: user.userId });
        throw invalidToken();
      }
      log({ event: 'password_reset', outcome: 'reset', email: user.email, ip, userId: user.userId });
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
