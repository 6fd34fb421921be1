import { build, type Metafile } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { floorClients, roleServices } from '../../../scripts/bench/floor';
import type { FunctionDefinition } from '../../../scripts/lib/stage-config';
import { FUNCTIONS_FILE, ROOT } from '../../support/paths';

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

const EXTERNAL = ['@node-rs/argon2'];
const packageOf = (file: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

/** Every function of functions/ in one esbuild run (the handlers are the files of functions/): one metafile. */
let all: Promise<Metafile> | undefined;
function allFunctions(): Promise<Metafile> {
  all ??= build({
    entryPoints: readdirSync(path.join(ROOT, 'functions')).filter((f) => f.endsWith('.ts')).map((f) => path.join(ROOT, 'functions', f)),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: EXTERNAL,
    write: false,
    outdir: path.join(ROOT, '.esbuild-contents'),
    metafile: true,
    logLevel: 'silent',
  }).then((out) => out.metafile);
  return all;
}

/** Inputs that put code into some function's bundle (the metafile's inputs also list what tree-shaking dropped). */
function bundled(metafile: Metafile): Set<string> {
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) if (bytesInOutput > 0) found.add(input);
  }
  return found;
}

/** The packages the project's own code (functions/, lib/) imports and some function's bundle carries: what Lambda needs. */
function importedByProjectCode(metafile: Metafile): Set<string> {
  const inBundles = bundled(metafile);
  const carried = new Set([...inBundles].map(packageOf).filter((name): name is string => name !== undefined));
  const found = new Set<string>();
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    if (input.includes('node_modules/') || !inBundles.has(input)) continue;
    for (const imp of imports) {
      if (imp.external) {
        const name = EXTERNAL.find((e) => imp.path === e || imp.path.startsWith(`${e}/`));
        if (name) found.add(name);
      } else {
        const name = packageOf(imp.path);
        if (name && carried.has(name)) found.add(name);
      }
    }
  }
  return found;
}

describe('what the function bundles carry', () => {
  it('no function carries date-holidays or moment-timezone: the holiday calendar is build-time data', async () => {
    for (const fn of ['incidents-create', 'incidents-escalate', 'ops-incidents']) {
      const inputs = await inputsOf(fn);
      expect({ fn, dateHolidays: carries(inputs, 'date-holidays'), moment: carries(inputs, 'moment-timezone') }).toEqual({ fn, dateHolidays: false, moment: false });
      expect(inputs.some((i) => i.endsWith('holidays.generated.json'))).toBe(true);
    }
  }, 60_000);

  it('the connection functions whose role holds DynamoDB only carry no KMS, S3, Secrets Manager or SQS client (issue 26)', async () => {
    const metafile = await allFunctions();
    const carried = (fn: string) => {
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint === `functions/${fn}.ts`);
      const packages = new Set(Object.entries(output?.inputs ?? {}).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => packageOf(input)));
      return ['@aws-sdk/client-dynamodb', '@aws-sdk/client-kms', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-sqs'].filter((c) => packages.has(c));
    };
    for (const fn of ['connections-providers', 'connections-create', 'connections-start', 'connections-list']) expect({ fn, clients: carried(fn) }).toEqual({ fn, clients: ['@aws-sdk/client-dynamodb'] });
    // The callback seals tokens (KMS), reads the client secret and audits (KMS, S3): it keeps them.
    expect(carried('connections-callback')).toEqual(expect.arrayContaining(['@aws-sdk/client-kms', '@aws-sdk/client-secrets-manager']));
  }, 120_000);

  it('a function carries no AWS SDK client its IAM role does not allow it to call (issue 26: each function loads only what it calls)', async () => {
    const metafile = await allFunctions();
    const functions = JSON.parse(readFileSync(FUNCTIONS_FILE, 'utf8')) as Record<string, FunctionDefinition>;
    const unused: Record<string, string[]> = {};
    for (const [key, def] of Object.entries(functions)) {
      const entry = `${def.handler.slice(0, def.handler.lastIndexOf('.'))}.ts`;
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint === entry);
      expect({ key, bundled: Boolean(output) }).toEqual({ key, bundled: true });
      const clients = new Set(Object.entries(output?.inputs ?? {}).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => packageOf(input)).filter((p): p is string => /^@aws-sdk\/(client-|lib-dynamodb)/.test(p ?? '')));
      const allowed = new Set(floorClients(roleServices(def)));
      const extra = [...clients].filter((c) => !allowed.has(c)).sort();
      if (extra.length) unused[key] = extra;
    }
    expect(unused).toEqual({});
  }, 120_000);

  it('only the passkey ceremonies carry WebAuthn: listing and removing a passkey (and support turning one off) do not load @simplewebauthn/server', async () => {
    for (const fn of ['passkeys-registration-options', 'passkeys-register', 'sessions-passkey-options', 'sessions-passkey']) expect({ fn, webauthn: carries(await inputsOf(fn), '@simplewebauthn/server') }).toEqual({ fn, webauthn: true });
    for (const fn of ['passkeys-list', 'passkeys-delete', 'ops-customers']) expect({ fn, webauthn: carries(await inputsOf(fn), '@simplewebauthn/server') }).toEqual({ fn, webauthn: false });
  }, 120_000);

  it('only the functions that accept a new password carry the common-password dictionary', async () => {
    for (const fn of ['signup', 'change-password', 'password-reset']) expect({ fn, dictionary: carries(await inputsOf(fn), '@zxcvbn-ts/language-common') }).toEqual({ fn, dictionary: true });
    for (const fn of ['signup-verify', 'password-reset-request', 'create-session']) expect({ fn, dictionary: carries(await inputsOf(fn), '@zxcvbn-ts/language-common') }).toEqual({ fn, dictionary: false });
  }, 60_000);

  it('no function carries classic zod (only zod/mini), zod-openapi or a zod locale: the contracts cost a few KiB of cold start, the OpenAPI generation none', async () => {
    const inputs = [...bundled(await allFunctions())];
    expect({
      classic: inputs.filter((i) => i.includes('node_modules/zod/v4/classic/')),
      locales: inputs.filter((i) => i.includes('node_modules/zod/v4/locales/')),
      zodOpenapi: inputs.filter((i) => i.includes('node_modules/zod-openapi/')),
    }).toEqual({ classic: [], locales: [], zodOpenapi: [] });
  }, 120_000);

  it('package.json `dependencies` are exactly the packages the functions import (the rest is devDependencies: scripts, CLI, tests)', async () => {
    const needed = importedByProjectCode(await allFunctions());
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const declared = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@types/'));
    expect({ notNeededAtRuntime: declared.filter((d) => !needed.has(d)).sort(), undeclared: [...needed].filter((n) => !declared.includes(n)).sort() }).toEqual({
      notNeededAtRuntime: [],
      undeclared: [],
    });
  }, 120_000);
});
