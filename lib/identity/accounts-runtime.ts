import { boolEnv, intEnv, isLocalStage, optionalEnv, requireEnv } from '../platform/config';
import { logger } from '../platform/logger';
import type { Mailer } from '../platform/mailer';
import { consumeRateLimit, type RateLimitRule } from '../platform/rate-limit';
import { nowEpochMillis } from '../platform/time';
import { accountService, NO_SECOND_FACTOR, type AccountService, type RateLimiter, type SecondFactorCheck } from './accounts';
import { hibpCheck, NO_BREACH_CHECK } from './breached-passwords';
import { dynamoIdentityStore } from './dynamo-identity-store';
import { dynamoLoginThrottle } from './dynamo-login-throttle';
import type { PasswordHasher } from './password-hasher';
import { minPasswordLength } from './password-settings';
import { env, identityTokens, NO_MAIL } from './runtime';

/** Wires the account flows (signup, verification, login, password change and reset) from the environment. */
const LIMITS: Record<Parameters<RateLimiter['consume']>[0], RateLimitRule> = {
  'signup-ip': { scope: 'signup-ip', limit: intEnv('SIGNUP_LIMIT_PER_IP', isLocalStage() ? 1000 : 30, { min: 1 }), windowSeconds: 600 },
  'reset-ip': { scope: 'reset-ip', limit: intEnv('RESET_LIMIT_PER_IP', isLocalStage() ? 1000 : 20, { min: 1 }), windowSeconds: 600 },
  'reset-email': { scope: 'reset-email', limit: 3, windowSeconds: 3600 },
  'unlock-ip': { scope: 'unlock-ip', limit: intEnv('RESET_LIMIT_PER_IP', isLocalStage() ? 1000 : 20, { min: 1 }), windowSeconds: 600 },
  'unlock-email': { scope: 'unlock-email', limit: 3, windowSeconds: 3600 },
};

/** For the functions that never hash (verification, reset request): argon2 stays out of their bundle. */
export const NO_HASHING: PasswordHasher = {
  hash: () => Promise.reject(new Error('This function does not hash passwords')),
  verify: () => Promise.reject(new Error('This function does not hash passwords')),
  verifyDummy: () => Promise.reject(new Error('This function does not hash passwords')),
};

/** What checks a new password against: only functions that accept one load the dictionary. */
export interface NewPasswordRules {
  commonPasswords: () => ReadonlySet<string>;
}

/** For the functions that never accept a new password (login, verification, reset request). */
export const NO_NEW_PASSWORDS: NewPasswordRules = {
  commonPasswords: () => {
    throw new Error('This function does not check new passwords');
  },
};

/** How one function wires the account flows: only what it calls (its IAM role says which). */
export interface AccountWiring {
  /** `argon2Hasher()` from ./argon2-runtime (the only module that loads the native binding), or NO_HASHING. */
  hasher: PasswordHasher;
  /** `newPasswordRules` from ./new-password-rules (the only module that imports the 49,000-entry dictionary). */
  newPasswords?: NewPasswordRules;
  /** Only the login function passes the second-factor check (lib/identity/mfa); without it an account with an authenticator app cannot sign in (fail closed). */
  secondFactor?: SecondFactorCheck;
  /** `identityMailer()` from ./mail-runtime (the only module that loads the SES client), for the functions that mail. */
  mailer?: Mailer;
}

const accounts: Array<{ wiring: Required<AccountWiring>; service: AccountService }> = [];

/**
 * The account flows, built once per wiring. A function that leaves something out of its wiring
 * leaves it out of its bundle: functions that never hash pass NO_HASHING (no argon2), the ones
 * that never accept a new password leave the dictionary out, and only the functions whose role
 * allows `ses:SendEmail` (signup, login, unlock and reset request) pass a mailer.
 */
export function identityAccounts(given: AccountWiring): AccountService {
  const wiring: Required<AccountWiring> = {
    hasher: given.hasher,
    newPasswords: given.newPasswords ?? NO_NEW_PASSWORDS,
    secondFactor: given.secondFactor ?? NO_SECOND_FACTOR,
    mailer: given.mailer ?? NO_MAIL,
  };
  const same = (w: Required<AccountWiring>) => w.hasher === wiring.hasher && w.newPasswords === wiring.newPasswords && w.secondFactor === wiring.secondFactor && w.mailer === wiring.mailer;
  const built = accounts.find((a) => same(a.wiring));
  if (built) return built.service;
  const rateLimitsTable = requireEnv('RATE_LIMITS_TABLE');
  const hibpEnabled = boolEnv('HIBP_ENABLED', !isLocalStage());
  const store = dynamoIdentityStore({ accounts: env.accountsTable, tokens: env.tokensTable });
  const service = accountService({
    store,
    secondFactor: wiring.secondFactor,
    throttle: dynamoLoginThrottle(rateLimitsTable),
    hasher: wiring.hasher,
    breachCheck: hibpEnabled ? hibpCheck({ timeoutMs: intEnv('HIBP_TIMEOUT_MS', 1500, { min: 100, max: 5000 }) }) : NO_BREACH_CHECK,
    commonPasswords: wiring.newPasswords.commonPasswords,
    mailer: wiring.mailer,
    limiter: { consume: (rule, key) => consumeRateLimit(rateLimitsTable, LIMITS[rule], key) },
    tokens: identityTokens(),
    settings: {
      stage: env.stage,
      minPasswordLength: minPasswordLength(),
      sessionLifetimeMs: intEnv('SESSION_TTL_HOURS', 24, { min: 1, max: 24 * 30 }) * 3_600_000,
      verificationLifetimeMs: 24 * 3_600_000,
      resetLifetimeMs: 60 * 60_000,
      breachCheckFailOpen: boolEnv('HIBP_FAIL_OPEN', true),
      websiteUrl: optionalEnv('WEBSITE_URL', 'https://helpshelf.com'),
    },
    now: nowEpochMillis,
    securityLog: (event) => logger.info('security event', { securityEvent: event.event, outcome: event.outcome, emailHash: event.emailHash, userId: event.userId, ip: event.ip }),
  });
  accounts.push({ wiring, service });
  return service;
}
