import { loginBody } from '../../../lib/identity/schemas';
import { accountService, emailKey, type AccountDeps } from '../../../lib/identity/accounts';
import type { Credential, IdentityStore, LoginThrottleStore } from '../../../lib/identity/model';
import type { PasswordHasher } from '../../../lib/identity/password-hasher';
import { newUserId } from '../../../lib/identity/token-format';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const PASSWORD = 'violet harbor lantern';

function setup(user?: Partial<Credential>, overrides: Partial<AccountDeps> = {}) {
  const stored: Credential | undefined = user
    ? { userId: newUserId(), email: 'ada@example.com', passwordHash: 'stored-hash', version: 0, emailVerified: true, ...user }
    : undefined;
  const events: unknown[] = [];
  const calls = { verify: 0, dummy: 0, failures: 0, successes: 0, issued: 0, freshMails: 0, mails: 0 };
  const hasher: PasswordHasher = {
    hash: async () => 'new-hash',
    verify: async (_h, p) => {
      calls.verify += 1;
      return { ok: p === PASSWORD, upgrade: false };
    },
    verifyDummy: async () => {
      calls.dummy += 1;
    },
  };
  const store = {
    createUser: async () => ({ outcome: 'created' }),
    findCredential: async (email: string) => ({ credential: stored && email === stored.email ? stored : undefined, also: [] }),
    putFreshVerification: async (_c: Credential, _v: unknown, _now: number, extra: unknown[]) => {
      calls.freshMails += 1;
      calls.successes += extra.length;
      return true;
    },
    applyWrites: async (extra: unknown[]) => {
      calls.successes += extra.length;
      return true;
    },
  } as unknown as IdentityStore;
  const reservation = { accountKey: 'k', ip: 'ip', path: 'account' as const, read: { table: 't', keys: [] } };
  const throttle: LoginThrottleStore = {
    reserve: async () => ({ reservation }),
    settleFailure: async () => {
      calls.failures += 1;
    },
    successWrites: () => ['settle'],
    giveBackWrites: () => ['give back'],
  };
  const deps: AccountDeps = {
    store,
    throttle,
    hasher,
    breachCheck: { isBreached: async () => false },
    commonPasswords: () => new Set(['password']),
    mailer: {
      send: async () => {
        calls.mails += 1;
      },
    },
    limiter: { consume: async () => ({ allowed: true, retryAfterSeconds: 0 }) },
    tokens: {
      issue: async ({ extra }: { extra: unknown[] }) => {
        calls.issued += 1;
        calls.successes += extra.length;
        return { id: 'tok_x', token: 'hs_ses_x', name: 'login session', expiresAt: '2026-11-25T12:00:00.000Z' };
      },
    } as unknown as AccountDeps['tokens'],
    settings: { stage: 'local', minPasswordLength: 8, sessionLifetimeMs: 86_400_000, verificationLifetimeMs: 86_400_000, resetLifetimeMs: 3_600_000, breachCheckFailOpen: true, websiteUrl: 'https://helpshelf.test' },
    now: () => NOW,
    securityLog: (event) => events.push(event),
    ...overrides,
  };
  return { service: accountService(deps), events, calls, stored };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('login (domain, with fakes)', () => {
  it('when the email is unknown, it spends a dummy verification, counts a failure and says invalid_credentials', async () => {
    const { service, calls, events } = setup();
    expect(await codeOf(service.login({ email: 'nobody@example.com', password: PASSWORD }, '203.0.113.9'))).toBe('invalid_credentials');
    expect(calls).toMatchObject({ dummy: 1, verify: 0, failures: 1, issued: 0 });
    expect(events).toEqual([{ event: 'login', outcome: 'invalid_credentials', emailHash: emailKey('nobody@example.com'), ip: '203.0.113.9', userId: undefined }]);
  });

  it('when the password is right (the email as the route schema normalised it), it logs a success with the hashed email and IP, never the email or password', async () => {
    const { service, calls, events, stored } = setup({});
    const session = await service.login(loginBody.parse({ email: 'ADA@example.com ', password: PASSWORD }), '203.0.113.9');
    expect(session.token).toBe('hs_ses_x');
    expect(calls).toMatchObject({ verify: 1, dummy: 0, successes: 1, issued: 1 });
    expect(events).toEqual([{ event: 'login', outcome: 'success', emailHash: emailKey('ada@example.com'), ip: '203.0.113.9', userId: stored!.userId }]);
    expect(JSON.stringify(events)).not.toMatch(/ada@example\.com|violet harbor/);
  });

  it('when the account is not verified, the right password is the same 401 as a wrong one, and the owner gets a fresh link', async () => {
    const { service, calls } = setup({ emailVerified: false, pendingUntilMs: NOW + 86_400_000 });
    expect(await codeOf(service.login({ email: 'ada@example.com', password: 'wrong password here' }, '203.0.113.9'))).toBe('invalid_credentials');
    expect(calls).toMatchObject({ failures: 1, freshMails: 0, mails: 0 });
    expect(await codeOf(service.login({ email: 'ada@example.com', password: PASSWORD }, '203.0.113.9'))).toBe('invalid_credentials');
    expect(calls).toMatchObject({ issued: 0, freshMails: 1, mails: 1, successes: 1 });
  });

  it('when a verification mail went out minutes ago, an unverified login sends none and still gives its attempt back', async () => {
    const { service, calls } = setup({ emailVerified: false, pendingUntilMs: NOW + 86_400_000, verifyMailMs: NOW - 60_000 });
    expect(await codeOf(service.login({ email: 'ada@example.com', password: PASSWORD }, '203.0.113.9'))).toBe('invalid_credentials');
    expect(calls).toMatchObject({ issued: 0, freshMails: 0, mails: 0, successes: 1 });
  });

  it('when a pending account is past its 7 days, its password no longer logs in and it is treated as unknown', async () => {
    const { service, calls } = setup({ emailVerified: false, pendingUntilMs: NOW - 1 });
    expect(await codeOf(service.login({ email: 'ada@example.com', password: PASSWORD }, '203.0.113.9'))).toBe('invalid_credentials');
    expect(calls).toMatchObject({ dummy: 1, verify: 0, failures: 1, freshMails: 0, mails: 0 });
  });
});

describe('signup and the breached-password setting (domain, with fakes)', () => {
  const body = { email: 'new@example.com', password: PASSWORD };

  it('when HIBP knows the password, signup is a 400 password_breached', async () => {
    const { service } = setup(undefined, { breachCheck: { isBreached: async () => true } });
    expect(await codeOf(service.signup(body, '203.0.113.9'))).toBe('password_breached');
  });

  it('when HIBP cannot answer and the setting is fail-open, signup goes ahead', async () => {
    const { service } = setup(undefined, { breachCheck: { isBreached: async () => undefined } });
    expect(await codeOf(service.signup(body, '203.0.113.9'))).toBeUndefined();
  });

  it('when HIBP cannot answer and the setting is fail-closed, signup is a 503 and nothing is written', async () => {
    let created = 0;
    const failClosed = setup(undefined, {
      breachCheck: { isBreached: async () => undefined },
      store: { createUser: async () => ((created += 1), { outcome: 'created' }), findCredential: async () => ({ credential: undefined, also: [] }) } as unknown as IdentityStore,
      settings: { stage: 'local', minPasswordLength: 8, sessionLifetimeMs: 1, verificationLifetimeMs: 1, resetLifetimeMs: 1, breachCheckFailOpen: false, websiteUrl: 'https://helpshelf.test' },
    });
    expect(await codeOf(failClosed.service.signup(body, '203.0.113.9'))).toBe('service_unavailable');
    expect(created).toBe(0);
  });
});
