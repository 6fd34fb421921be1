import { escapeOutput, escapeValue, keyValues, table } from '../../../cli/format';
import { runCli, type CliDeps } from '../../../cli/program';
import { COMMANDS } from '../../../cli/registry';
import type { CommandSpec } from '../../../cli/types';

/**
 * Issue 24, part 4: text from outside (a mailed attachment's Content-Type, a customer's audit
 * subject, a reporter's words) reached engineers' terminals raw: an ESC sequence printed by
 * `incidents show`, a subject holding a newline and erase-line codes that made `audit list` print
 * a fake row. Every control and bidi formatting character is fed through every command's output.
 */
const DANGEROUS: string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
];
const ALL = DANGEROUS.join('');
const LAYOUT = new Set(['\n', '\t']);
const raw = (text: string, allowLayout: boolean) => [...text].filter((c) => DANGEROUS.includes(c) && !(allowLayout && LAYOUT.has(c)));

/** A result of any shape whose every string holds every dangerous character. */
const evil = (label: string) => `${label}${ALL}\u001b[2K\u001b[1A\r2026-01-01 local:admin customers.show usr_forged`;

function sampleFor(spec: CommandSpec): unknown {
  const s = evil('x');
  const entry = { seq: 1, at: s, actor: s, action: s, subject: evil('usr_1\n'), reason: s, details: { k: s }, hash: s, prevHash: s };
  const grant = { grant: s, customer: s, requester: s, approver: s, status: s, emergency: true, minutes: 5, reason: s, requestedAt: s, approvedAt: s, expiresAt: s, alerted: false, auditSeq: 3 };
  const mail = { id: s, from: s, to: [s], subject: s, body: s, at: s, text: s, headers: { h: s } };
  switch (spec.path.join(' ')) {
    case 'customers show':
      return { customer: { id: s, email: s, name: s, verified: true, verifiedAt: s, created: s, billing: { customerId: s, status: s } }, auditSeq: 1, grant: s };
    case 'customers factors':
    case 'customers factor-off': {
      const factors = { authenticatorApp: s, recoveryCodesLeft: 2, passkeys: [{ id: s, name: s, createdAt: s, lastUsedAt: s }] };
      return { customer: s, factors, remaining: factors, removed: [{ factor: 'passkey', id: s, name: s }, { factor: 'totp' }], passwordAloneSignsIn: false, auditSeq: 1, grant: s };
    }
    case 'customers erase':
      return { customer: s, outcome: s, deletedAt: s, erased: [s], incomplete: [s], auditSeq: 1, grant: s };
    case 'audit list':
      return { chain: { intact: false, entries: 1, firstBreak: { seq: 1, problem: s, detail: s } }, since: s, entries: [entry] };
    case 'access grants':
      return [grant];
    case 'access request':
    case 'access approve':
      return grant;
    case 'incidents show':
      return {
        id: s, status: s, summary: s, details: s,
        timeline: [{ at: s, visibility: s, kind: s, actor: s, from: s, to: s, message: s }],
        messages: [{ at: s, via: s, text: s, attachments: [{ name: s }] }],
        attachments: [{ name: s, contentType: s, size: 1, key: s }, { name: s, contentType: s, size: 1, dropped: s }],
      };
    case 'incidents list':
    case 'mail list':
    case 'mail ignored':
      return { incidents: [{ id: s, summary: s }], messages: [mail] };
    default:
      return { id: s, status: s, message: s, list: [s], nested: { value: s } };
  }
}

function argvFor(spec: CommandSpec): string[] {
  const argv = [...spec.path, ...(spec.positionals ?? []).filter((p) => !p.endsWith('?')).map(() => 'inc_1')];
  for (const [name, option] of Object.entries(spec.options ?? {})) if (option.required) argv.push(`--${name}`, name === 'reason' ? 'ticket 1' : 'x');
  // Commands that follow a long operation until it is done return at once with this.
  if (spec.options?.['no-wait']) argv.push('--no-wait');
  return argv;
}

function run(spec: CommandSpec, argv: string[], answer: () => unknown) {
  const out = { stdout: '', stderr: '' };
  const deps: CliDeps = {
    commands: COMMANDS,
    readLocalState: () => ({ baseUrl: 'http://127.0.0.1:1', lambdaEndpoint: 'http://127.0.0.1:2', emulatorEndpoint: 'http://127.0.0.1:3', region: 'eu-west-1', stage: 'local', service: 'helpshelf', pid: 1 }),
    createInvoker: () => async () => answer(),
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
  };
  return runCli(argv, deps).then(() => out);
}

describe('the ops terminal: no control or bidi character reaches it raw', () => {
  it('escapeValue shows every one as \\uXXXX; escapeOutput keeps only line breaks and tabs', () => {
    for (const c of DANGEROUS) {
      expect(escapeValue(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
      if (!LAYOUT.has(c)) expect(escapeOutput(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    }
    expect(escapeOutput('a\nb\tc')).toBe('a\nb\tc');
    expect(escapeValue('plain text, ünïcødé, 東京 ✓')).toBe('plain text, ünïcødé, 東京 ✓');
  });

  it('a subject with a newline and erase-line codes stays one row of the table', () => {
    const printed = table([{ seq: 1, subject: 'usr_1\n\u001b[2K\u001b[1A9 local:admin forged' }, { seq: 2, subject: 'usr_2' }]);
    expect(printed.split('\n')).toHaveLength(4);
    expect(raw(printed, true)).toEqual([]);
    expect(keyValues({ 'na\u001bme': 'x\ny' }).split('\n')).toHaveLength(1);
  });

  it.each(COMMANDS.map((spec) => [spec.path.join(' '), spec] as const))('%s: human output and --json', async (_name, spec) => {
    for (const json of [false, true]) {
      const out = await run(spec, [...argvFor(spec), ...(json ? ['--json'] : [])], () => sampleFor(spec));
      expect(raw(out.stdout, true)).toEqual([]);
      expect(raw(out.stderr, true)).toEqual([]);
      if (json && out.stdout) expect(JSON.parse(out.stdout)).toEqual(JSON.parse(JSON.stringify(sampleFor(spec))));
    }
  });

  it.each(COMMANDS.map((spec) => [spec.path.join(' '), spec] as const))('%s: an error message from the function', async (_name, spec) => {
    const out = await run(spec, argvFor(spec), () => {
      throw new Error(evil('refused'));
    });
    expect(raw(out.stderr.replace(/\n$/, ''), false)).toEqual([]);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
