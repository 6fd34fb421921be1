import { opsCli } from '../support/ops';

describe('the ops CLI against the local stage', () => {
  it('lists its commands with --help and exits 0', async () => {
    const res = await opsCli(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('mail list');
  });

  it('answers an unknown command with one clear line and a non-zero status', async () => {
    const res = await opsCli(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('unknown command');
  });

  it('refuses an unknown option naming it, with the command help', async () => {
    const res = await opsCli(['mail', 'list', '--bogus']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown option '--bogus'");
    expect(res.stderr).toContain('Usage: helpshelf-ops mail list');
  });

  it('prints the sent mail as one JSON document with --json', async () => {
    const res = await opsCli(['mail', 'list', '--json', '--to', 'nobody@helpshelf.test']);
    expect(res.code).toBe(0);
    expect(res.json).toEqual({ messages: [] });
  });

  it('takes the global options anywhere on the line, before the command too', async () => {
    const [before, after] = await Promise.all([opsCli(['--stage', 'local', 'incidents', 'list', '--json']), opsCli(['incidents', '--json', 'list', '--stage', 'local'])]);
    expect(before.code).toBe(0);
    expect(before.json).toEqual({ incidents: expect.any(Array) });
    expect(after.json).toEqual(before.json);
  });

  it('refuses local-only commands on another stage', async () => {
    const res = await opsCli(['mail', 'list', '--stage', 'prod']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('local stage only');
  });

  it('runs the credential migration page by page with progress on stderr, and refuses it without a reason', async () => {
    const missing = await opsCli(['accounts', 'migrate-credentials']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--reason");
    const vague = await opsCli(['accounts', 'migrate-credentials', '--reason', 'cleanup']);
    expect(vague.code).toBe(1);
    expect(vague.stderr).toMatch(/ticket or incident/);
    const res = await opsCli(['accounts', 'migrate-credentials', '--reason', 'OPS-13 credential migration', '--json']);
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ pages: expect.any(Number), outcomes: { migrated: expect.any(Number) }, resumeFrom: null });
    expect(res.stderr).toMatch(/^page 1: \d+ items read, \d+ migrated/m);
    expect(res.stderr).toContain('end of table');
  }, 60_000);

  it('lists the inbox\'s ignored mail only with a reason', async () => {
    const missing = await opsCli(['mail', 'ignored']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--reason");
    const res = await opsCli(['mail', 'ignored', '--reason', 'INC-2041', '--json']);
    expect(res.code).toBe(0);
    expect(res.json).toEqual({ messages: expect.any(Array) });
  }, 60_000);
});
