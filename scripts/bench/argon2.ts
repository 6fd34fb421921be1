import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/stage-config';
import { median } from './stats';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id minimum, used when the identity code does not export its own parameters. */
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

function looksLikeParams(value: unknown): value is Argon2Params {
  const v = value as Partial<Argon2Params> | null;
  return Boolean(v && typeof v === 'object' && typeof v.memoryCost === 'number' && typeof v.timeCost === 'number');
}

/**
 * The identity code's argon2 parameters, if a module under lib/ that imports @node-rs/argon2
 * exports them (any export with memoryCost and timeCost); otherwise the defaults.
 */
export function findArgon2Params(): { params: Argon2Params; source: string } {
  const libDir = path.join(PROJECT_ROOT, 'lib');
  const candidates: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && /argon2/.test(readFileSync(full, 'utf8'))) candidates.push(full);
    }
  };
  if (existsSync(libDir)) walk(libDir);
  for (const file of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (looksLikeParams(value)) {
          return { params: { ...value, parallelism: value.parallelism ?? 1 }, source: `${path.relative(PROJECT_ROOT, file)}:${name}` };
        }
      }
    } catch {
      // a module that cannot load outside its handler is skipped
    }
  }
  return { params: DEFAULT_ARGON2, source: 'default (m=19456, t=2, p=1)' };
}

/** Median milliseconds of one argon2id verify at the given parameters. */
export async function argon2VerifyMs(params: Argon2Params, runs: number): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');
  const password = 'bench-password-for-timing-only';
  const hash = await argon2.hash(password, { ...params, algorithm: 2 /* Argon2id */ });
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    await argon2.verify(hash, password);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}
