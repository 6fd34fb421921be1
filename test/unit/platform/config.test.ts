import { boolEnv, ConfigError, intEnv, requireEnv } from '../../../lib/platform/config';

describe('configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('when a required variable is missing, it throws naming the variable', () => {
    delete process.env.SOME_TABLE;
    expect(() => requireEnv('SOME_TABLE')).toThrow(new ConfigError('Missing required environment variable SOME_TABLE'));
    process.env.SOME_TABLE = '   ';
    expect(() => requireEnv('SOME_TABLE')).toThrow(/SOME_TABLE/);
  });

  it('when a required variable is set, it returns it', () => {
    process.env.SOME_TABLE = 'helpshelf-local-accounts';
    expect(requireEnv('SOME_TABLE')).toBe('helpshelf-local-accounts');
  });

  it('when an integer variable is not an integer or out of bounds, it says which and why', () => {
    process.env.LIMIT = 'ten';
    expect(() => intEnv('LIMIT', 5)).toThrow(/LIMIT must be an integer/);
    process.env.LIMIT = '500';
    expect(() => intEnv('LIMIT', 5, { min: 1, max: 100 })).toThrow(/LIMIT must be between 1 and 100/);
    process.env.LIMIT = '50';
    expect(intEnv('LIMIT', 5, { min: 1, max: 100 })).toBe(50);
    delete process.env.LIMIT;
    expect(intEnv('LIMIT', 5)).toBe(5);
  });

  it.each(['abc', '', '1e3', '0x10', '12.5', '5ms', 'Infinity', '99999999999999999999'])('an integer variable set to %j is refused or ignored, never a surprise number', (raw) => {
    process.env.LIMIT = raw;
    if (raw === '') expect(intEnv('LIMIT', 5)).toBe(5);
    else expect(() => intEnv('LIMIT', 5)).toThrow(/LIMIT must be an integer/);
  });

  it('when SECRETS_CACHE_TTL_MS is not a number, loading the secrets reader fails loudly (it used to become NaN)', () => {
    process.env.SECRETS_CACHE_TTL_MS = 'abc';
    jest.isolateModules(() => {
      expect(() => require('../../../lib/platform/secrets')).toThrow(expect.objectContaining({ name: 'ConfigError', message: 'Environment variable SECRETS_CACHE_TTL_MS must be an integer, got "abc"' }));
    });
  });

  it('when an AWS client setting is not a number, building a client fails naming it', () => {
    process.env.AWS_REQUEST_TIMEOUT_MS = 'soon';
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { clientConfig } = require('../../../lib/platform/aws/client-config') as typeof import('../../../lib/platform/aws/client-config');
      expect(() => clientConfig()).toThrow(/AWS_REQUEST_TIMEOUT_MS must be an integer/);
    });
  });

  it('when a boolean variable is neither true nor false, it refuses it', () => {
    process.env.FLAG = 'maybe';
    expect(() => boolEnv('FLAG', false)).toThrow(/FLAG must be true or false/);
    process.env.FLAG = 'TRUE';
    expect(boolEnv('FLAG', false)).toBe(true);
  });

  it('when a handler module is loaded without its variables, it fails at import (cold start)', () => {
    process.env.SECURITY_CONTACTS = 'mailto:security@helpshelf.test';
    delete process.env.SECURITY_POLICY_URL;
    jest.isolateModules(() => {
      expect(() => require('../../../functions/security-txt')).toThrow(/SECURITY_POLICY_URL/);
    });
  });
});
