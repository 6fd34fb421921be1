import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { functionEnvironment, loadStageConfig } from '../../scripts/lib/stage-config';
import { PACKAGE_DIR } from '../support/paths';
import { functionRoles, loadTemplate, type CfnTemplate } from '../support/template';

/** The functions that hash passwords (signup, its verification, login, password change, reset). */
const HASHING = ['signup', 'signupVerify', 'createSession', 'changePassword', 'passwordReset'];
/** Identity functions that never hash: argon2 stays out of their bundle. */
const NOT_HASHING = ['passwordResetRequest', 'me', 'listTokens', 'createToken', 'deleteToken', 'revokeAllTokens', 'deleteSession', 'oauthRevoke'];

function entries(zip: string): string[] {
  // `unzip -Z1` lists one path per line.
  return execFileSync('unzip', ['-Z1', path.join(PACKAGE_DIR, `${zip}.zip`)], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** ELF header: class (byte 4: 2 = 64-bit), data (5: 1 = little endian), e_machine (18-19: 0xB7 = AArch64). */
function elfMachine(file: string): { elf: boolean; bits: number; machine: number } {
  const b = readFileSync(file);
  return { elf: b.subarray(0, 4).toString('latin1') === '\x7fELF', bits: b[4] === 2 ? 64 : 32, machine: b.readUInt16LE(18) };
}

describe('the packaged identity functions (stage prod)', () => {
  it.each(HASHING)('%s carries the linux arm64 glibc argon2 binary, an aarch64 ELF, and no other platform\'s', (fn) => {
    // Prepare
    const files = entries(fn);
    const binaries = files.filter((f) => f.endsWith('.node'));
    // Assess: exactly one native binary, the Lambda one
    expect(files).toContain('node_modules/@node-rs/argon2/index.js');
    expect(binaries).toEqual(['node_modules/@node-rs/argon2-linux-arm64-gnu/argon2.linux-arm64-gnu.node']);
    // Act: extract it and read its ELF header
    const dir = mkdtempSync(path.join(tmpdir(), 'argon2-'));
    try {
      execFileSync('unzip', ['-q', path.join(PACKAGE_DIR, `${fn}.zip`), binaries[0], '-d', dir]);
      expect(elfMachine(path.join(dir, binaries[0]))).toEqual({ elf: true, bits: 64, machine: 0xb7 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(NOT_HASHING)('%s does not carry argon2', (fn) => {
    expect(entries(fn).filter((f) => f.includes('node_modules/'))).toEqual([]);
  });

  it('gives the identity functions only the table actions they use, with no wildcard and no Scan', () => {
    const roles = functionRoles(loadTemplate());
    const identity = roles.filter((r) => [...HASHING, ...NOT_HASHING].some((fn) => r.functionId.toLowerCase() === `${fn.toLowerCase()}lambdafunction`));
    expect(identity).toHaveLength(HASHING.length + NOT_HASHING.length);
    for (const role of identity) {
      for (const statement of role.statements) {
        const actions = ([] as string[]).concat(statement.Action);
        // X-Ray's two write actions have no resource-level permissions: every traced role names `*`.
        if (actions.every((a) => a.startsWith('xray:'))) continue;
        expect({ fn: role.functionId, actions: actions.filter((a) => a.includes('*') || a === 'dynamodb:Scan') }).toEqual({ fn: role.functionId, actions: [] });
        expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
      }
    }
  });
});

/** The relying party the passkey functions of a packaged stage check assertions against. */
function relyingParty(template: CfnTemplate, functionId: string) {
  const variables = template.Resources[functionId]?.Properties?.Environment?.Variables as Record<string, unknown> | undefined;
  return { rpId: variables?.PASSKEY_RP_ID, origin: variables?.PASSKEY_ORIGIN };
}

describe('passkeys: each stage is its own relying party', () => {
  const PASSKEY_FUNCTIONS = ['SessionsPasskeyLambdaFunction', 'SessionsPasskeyOptionsLambdaFunction', 'PasskeysRegisterLambdaFunction', 'PasskeysRegistrationOptionsLambdaFunction'];

  it('prod is helpshelf.co and staging its own subdomain: a passkey made on one never signs in to the other', () => {
    // Prepare: both packaged templates (global setup)
    const prod = loadTemplate('prod');
    const staging = loadTemplate('staging');
    // Act / Assess: every passkey function of a stage carries the same relying party
    for (const fn of PASSKEY_FUNCTIONS) {
      expect({ fn, ...relyingParty(prod, fn) }).toEqual({ fn, rpId: 'helpshelf.co', origin: 'https://helpshelf.co' });
      expect({ fn, ...relyingParty(staging, fn) }).toEqual({ fn, rpId: 'staging.helpshelf.co', origin: 'https://staging.helpshelf.co' });
    }
    // Staging's origin lies inside its own RP id (WebAuthn's rule) and not inside prod's origin.
    const stagingRp = relyingParty(staging, PASSKEY_FUNCTIONS[0]);
    expect(new URL(String(stagingRp.origin)).hostname).toBe(stagingRp.rpId);
    expect(stagingRp).not.toEqual(relyingParty(prod, PASSKEY_FUNCTIONS[0]));
  });

  it('the local stage is localhost on its own port', async () => {
    // Act: the resolved local stage, as `npm start` and the tests run it
    const env = functionEnvironment(await loadStageConfig('local'), 'sessionsPasskey');
    // Assess
    expect(env.PASSKEY_RP_ID).toBe('localhost');
    expect(env.PASSKEY_ORIGIN).toMatch(/^http:\/\/localhost:\d+$/);
  }, 120_000);
});
