import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { validateResults } from '../../../scripts/bench/report';
import { ROOT, TEST_STAGE_DIR } from '../../support/paths';

const run = promisify(execFile);

/** The bench's own check: it runs end to end in quick mode and writes a well-formed report. No timing is asserted. */
describe('npm run bench in quick mode', () => {
  const outDir = path.join(TEST_STAGE_DIR, 'bench');
  let stdout = '';

  beforeAll(async () => {
    ({ stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/bench.ts')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT_DIR: outDir, AWS_ENDPOINT_URL: '' },
      maxBuffer: 16 * 1024 * 1024,
    }));
  }, 600_000); // 67 functions bundled and cold-started, 3 runs each: 3–5 minutes on 2 cores, more beside the rest of the suite (no timing is asserted)

  it('when it finishes, it has written results.json in the documented shape, one entry per function', () => {
    const results = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'));
    expect(validateResults(results)).toEqual([]);
    const functions = JSON.parse(readFileSync(path.join(TEST_STAGE_DIR, 'functions.json'), 'utf8')) as Record<string, unknown>;
    expect(results.functions.map((f: { functionKey: string }) => f.functionKey).sort()).toEqual(Object.keys(functions).sort());
    expect(results.quick).toBe(true);
  });

  it('when a scenario needs a function serverless.yml lacks, it reports it "not built" instead of failing', () => {
    const results = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'));
    const functions = JSON.parse(readFileSync(path.join(TEST_STAGE_DIR, 'functions.json'), 'utf8')) as Record<string, unknown>;
    for (const w of results.warm as Array<{ name: string; status: string; reason?: string }>) {
      if (w.status === 'not built') expect(w.reason).toMatch(/^missing /);
      else expect({ name: w.name, status: w.status, reason: w.reason }).toEqual({ name: w.name, status: 'ok', reason: undefined });
    }
    expect(results.warm.find((w: { name: string }) => w.name === 'health').status).toBe('ok');
    if (!functions.stripeWebhook) expect(results.throughput.status).toBe('not built');
  });

  it('when it runs, it prints the tables as it goes and writes a Markdown summary naming the machine', () => {
    expect(stdout).toContain('Machine:');
    expect(stdout).toMatch(/health\s+\|/);
    const summary = readFileSync(path.join(outDir, 'summary.md'), 'utf8');
    expect(summary).toContain('## Bench summary');
    expect(summary).toMatch(/\| function \| bundle \(min\) \|/);
    expect(summary).toContain('Node v');
  });
});
