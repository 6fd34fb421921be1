import { runCli, type CliDeps } from '../../../cli/program';
import { COMMANDS } from '../../../cli/registry';
import { EXIT, OpsCommandError } from '../../../cli/types';

/**
 * The ops CLI's parsing, output and exit statuses, with the stage replaced at its one seam (the
 * invoker): every command's real spec, commander's real parser. The e2e suite runs the same CLI
 * against a real local stage (test/e2e/ops-cli.test.ts).
 */
interface Call {
  stage: string;
  functionKey: string;
  action: string;
  args: Record<string, unknown>;
}

function harness(answer: (call: Call) => unknown = () => ({})) {
  const calls: Call[] = [];
  const out = { stdout: '', stderr: '' };
  const localReads: number[] = [];
  const deps: CliDeps = {
    commands: COMMANDS,
    readLocalState: () => {
      localReads.push(1);
      return { baseUrl: 'http://127.0.0.1:1', lambdaEndpoint: 'http://127.0.0.1:2', emulatorEndpoint: 'http://127.0.0.1:3', region: 'eu-west-1', stage: 'local', service: 'helpshelf', pid: 1 };
    },
    createInvoker: (stage) => async (functionKey, action, args = {}) => {
      const call = { stage, functionKey, action, args };
      calls.push(call);
      return answer(call);
    },
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  };
  return { deps, calls, out, localReads, run: (argv: string[]) => runCli(argv, deps) };
}

describe('ops CLI parsing', () => {
  it('takes the global options before the command (the line that used to fail with "unknown command")', async () => {
    const cli = harness(() => ({ incidents: [{ id: 'inc_1', status: 'received' }] }));
    const code = await cli.run(['--stage', 'prod', 'incidents', 'list', '--json']);
    expect(code).toBe(EXIT.ok);
    expect(cli.calls).toEqual([{ stage: 'prod', functionKey: 'opsIncidents', action: 'list', args: { status: undefined } }]);
    expect(JSON.parse(cli.out.stdout)).toEqual({ incidents: [{ id: 'inc_1', status: 'received' }] });
    expect(cli.localReads).toEqual([]);
    expect(cli.out.stderr).toBe('');
  });

  it.each([
    [['incidents', 'list', '--status', 'received', '--stage', 'prod', '--json']],
    [['incidents', '--json', 'list', '--stage=prod', '--status', 'received']],
    [['--json', 'incidents', 'list', '--status=received', '--stage', 'prod']],
  ])('takes the global options anywhere on the line: %j', async (argv) => {
    const cli = harness(() => ({ incidents: [] }));
    expect(await cli.run(argv)).toBe(EXIT.ok);
    expect(cli.calls).toEqual([{ stage: 'prod', functionKey: 'opsIncidents', action: 'list', args: { status: 'received' } }]);
    expect(JSON.parse(cli.out.stdout)).toEqual({ incidents: [] });
  });

  it('defaults to the local stage, found through the local state file', async () => {
    const cli = harness(() => ({ incidents: [] }));
    expect(await cli.run(['incidents', 'list'])).toBe(EXIT.ok);
    expect(cli.localReads).toHaveLength(1);
    expect(cli.calls[0].stage).toBe('local');
    expect(cli.out.stdout).toMatch(/^\(none\)/);
  });

  it('passes positionals, repeatable and negated options in the shape the commands expect', async () => {
    const cli = harness((call) => (call.action === 'run' ? { type: 'incremental', exports: [] } : {}));
    expect(await cli.run(['incidents', 'publish', 'inc_9', '--title', 'T', '--summary', 'S', '--credit', 'Ada', '--credit', 'Grace Hopper'])).toBe(EXIT.ok);
    expect(await cli.run(['incidents', 'status', 'inc_9', 'resolved'])).toBe(EXIT.ok);
    expect(await cli.run(['incidents', 'ack', 'inc_9', '--contact', 'Sam', '--contact-email', 'sam@example.com'])).toBe(EXIT.ok);
    expect(await cli.run(['backups', 'run', '--incremental', '--no-wait', '--json'])).toBe(EXIT.ok);
    expect(cli.calls.map(({ action, args }) => ({ action, args }))).toEqual([
      { action: 'publish', args: { id: 'inc_9', title: 'T', summary: 'S', credits: ['Ada', 'Grace Hopper'] } },
      { action: 'status', args: { id: 'inc_9', status: 'resolved' } },
      { action: 'ack', args: { id: 'inc_9', contact: 'Sam', contactEmail: 'sam@example.com' } },
      // --no-wait: one call, no tracking.
      { action: 'run', args: { type: 'incremental' } },
    ]);
  });

  it.each(COMMANDS.map((c) => [c.path.join(' ')]))('%s --help explains the command, its --json, and exits 0', async (path) => {
    const cli = harness();
    expect(await cli.run([...path.split(' '), '--help'])).toBe(EXIT.ok);
    expect(cli.out.stdout).toContain(`Usage: helpshelf-ops ${path}`);
    expect(cli.out.stdout).toContain('--json');
    expect(cli.out.stdout).toContain('--stage <name>');
    expect(cli.calls).toEqual([]);
  });

  it('lists every command and the exit statuses in the top-level help', async () => {
    const cli = harness();
    expect(await cli.run(['--help'])).toBe(EXIT.ok);
    for (const command of COMMANDS) expect(cli.out.stdout).toContain(command.path.join(' '));
    expect(cli.out.stdout).toContain('Exit status: 0 ok, 1 refused or failed, 2 usage error, 3 integrity problem found');
  });
});

describe('ops CLI exit statuses', () => {
  it.each([
    ['an unknown command', ['frobnicate'], /^error: unknown command 'frobnicate'\n$/],
    ['an unknown option', ['incidents', 'list', '--bogus'], /^error: unknown option '--bogus'\n\nUsage: helpshelf-ops incidents list/],
    ['a missing required option', ['customers', 'show', 'ada@example.com'], /^error: required option '--reason <reason>' not specified\n/],
    ['a missing argument', ['incidents', 'show'], /^error: missing required argument 'id'\n/],
    ['an extra argument', ['incidents', 'show', 'inc_1', 'inc_2'], /^error: too many arguments for 'show'/],
    ['a group without its command', ['backups'], /^Usage: helpshelf-ops backups/],
    ['a usage rule of the command itself', ['backups', 'restore', '--table', 'a', '--to', 'b', '--export', 'e', '--to-time', '2026-01-01T00:00:00Z'], /^error: Give --export or --to-time, not both\.\n/],
    ['a local-only command on another stage', ['mail', 'list', '--stage', 'prod'], /^error: mail list works on the local stage only\.\n$/],
  ])('%s exits 2 and invokes nothing', async (_name, argv, stderr) => {
    const cli = harness();
    expect(await cli.run(argv)).toBe(EXIT.usage);
    expect(cli.out.stderr).toMatch(stderr);
    expect(cli.out.stdout).toBe('');
    expect(cli.calls).toEqual([]);
  });

  it('a refusal by the ops function is one line on stderr and exits 1', async () => {
    const cli = harness(() => {
      throw new OpsCommandError('No customer with email nobody@example.test.', 'not_found');
    });
    expect(await cli.run(['customers', 'show', 'nobody@example.test', '--reason', 'ticket 4411', '--json'])).toBe(EXIT.failed);
    expect(cli.out.stderr).toBe('error: No customer with email nobody@example.test.\n');
    expect(cli.out.stdout).toBe('');
  });

  it('a broken audit chain prints the listing and exits 3', async () => {
    const listing = { entries: [], chain: { intact: false, entries: 2, firstBreak: { seq: 2, problem: 'hash_mismatch', detail: 'entry 2 was changed' } } };
    const cli = harness(() => listing);
    expect(await cli.run(['audit', 'list', '--json'])).toBe(EXIT.integrity);
    expect(JSON.parse(cli.out.stdout)).toEqual(listing);
    const human = harness(() => listing);
    expect(await human.run(['audit', 'list'])).toBe(EXIT.integrity);
    expect(human.out.stdout).toContain('Chain: BROKEN at entry 2 (hash_mismatch)');
  });
});
