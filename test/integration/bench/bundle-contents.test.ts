import { build } from 'esbuild';
import path from 'node:path';
import { ROOT } from '../../support/paths';

/**
 * What each function's bundle may carry, as serverless.yml's esbuild options build it: the cold
 * start of a function grows with every module it loads. Guards the fixes of issue 14 against a
 * later import bringing them back (the numbers are the bench's job).
 */
async function inputsOf(handlerFile: string): Promise<string[]> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'functions', `${handlerFile}.ts`)],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@node-rs/argon2'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(out.metafile.inputs);
}

const carries = (inputs: string[], pkg: string) => inputs.some((i) => i.includes(`node_modules/${pkg}/`));

describe('what the function bundles carry', () => {
  it('no function carries date-holidays or moment-timezone: the holiday calendar is build-time data', async () => {
    for (const fn of ['incidents-create', 'incidents-escalate', 'ops-incidents']) {
      const inputs = await inputsOf(fn);
      expect({ fn, dateHolidays: carries(inputs, 'date-holidays'), moment: carries(inputs, 'moment-timezone') }).toEqual({ fn, dateHolidays: false, moment: false });
      expect(inputs.some((i) => i.endsWith('holidays.generated.json'))).toBe(true);
    }
  }, 60_000);

  it('only the functions that accept a new password carry the common-password dictionary', async () => {
    for (const fn of ['signup', 'change-password', 'password-reset']) expect({ fn, dictionary: carries(await inputsOf(fn), '@zxcvbn-ts/language-common') }).toEqual({ fn, dictionary: true });
    for (const fn of ['signup-verify', 'password-reset-request', 'create-session']) expect({ fn, dictionary: carries(await inputsOf(fn), '@zxcvbn-ts/language-common') }).toEqual({ fn, dictionary: false });
  }, 60_000);
});
