/**
 * Configuration is read once, at module scope, so a misconfigured stage fails at cold start
 * with the name of the missing variable instead of failing halfway through a request.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`Missing required environment variable ${name}`);
  }
  return value;
}

export function optionalEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value;
}

/**
 * The one way to read a number from the environment: unset or blank gives the fallback; anything
 * else must be a plain decimal integer within the bounds, or the cold start fails naming the
 * variable (`Number('abc')` would silently be NaN, `Number('1e3')` or `Number('0x10')` a surprise).
 */
export function intEnv(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = /^\s*-?\d{1,15}\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new ConfigError(`Environment variable ${name} must be an integer, got "${raw}"`);
  }
  if ((bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max)) {
    throw new ConfigError(`Environment variable ${name} must be between ${bounds.min ?? '-∞'} and ${bounds.max ?? '∞'}, got ${value}`);
  }
  return value;
}

export function boolEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`Environment variable ${name} must be true or false, got "${raw}"`);
}

export function listEnv(name: string, fallback: string[] = []): string[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The stage this code runs in; `local` is the emulator-backed stage of `npm start` and the tests. */
export function currentStage(): string {
  return requireEnv('STAGE');
}

export function isLocalStage(): boolean {
  return process.env.STAGE === 'local';
}
