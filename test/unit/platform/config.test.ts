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
