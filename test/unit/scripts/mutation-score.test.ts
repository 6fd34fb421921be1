import { scoreModules, scoreTable } from '../../../scripts/lib/mutation-score';

const thresholds = { 'lib/a.ts': { break: 80, goal: 90 }, 'lib/b.ts': { break: 80, goal: 90 }, 'lib/c.ts': { break: 80, goal: 90 }, 'lib/d.ts': { break: 80, goal: 90 } };
const mutants = (counts: Record<string, number>) => Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

describe('mutation scores per module', () => {
  const report = {
    files: {
      '/repo/lib/a.ts': { mutants: mutants({ Killed: 17, Timeout: 1, Survived: 1, NoCoverage: 1, Ignored: 5, CompileError: 3 }) },
      'lib/b.ts': { mutants: mutants({ Killed: 8, Survived: 1, NoCoverage: 1 }) },
      'lib/c.ts': { mutants: mutants({ Killed: 7, Survived: 2, NoCoverage: 1 }) },
    },
  };
  const scores = scoreModules(report, thresholds, '/repo');

  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not, and leaves ignored and broken ones out', () => {
    expect(scores[0]).toEqual({ module: 'lib/a.ts', score: 90, killed: 17, survived: 1, noCoverage: 1, timeout: 1, ignored: 5, verdict: 'goal' });
  });

  it('passes a module between its break and goal thresholds, breaks one below, and flags one that was not mutated', () => {
    expect(scores.map((s) => [s.module, s.score, s.verdict])).toEqual([
      ['lib/a.ts', 90, 'goal'],
      ['lib/b.ts', 80, 'pass'],
      ['lib/c.ts', 70, 'break'],
      ['lib/d.ts', null, 'missing'],
    ]);
  });

  it('gives 100 to a module whose every mutant is marked equivalent', () => {
    expect(scoreModules({ files: { 'lib/a.ts': { mutants: mutants({ Ignored: 3 }) } } }, { 'lib/a.ts': thresholds['lib/a.ts'] }, '/repo')[0].score).toBe(100);
  });

  it('renders one table row per module', () => {
    const table = scoreTable(scores, thresholds).split('\n');
    expect(table).toHaveLength(6);
    expect(table[2]).toBe('| lib/a.ts | 90.00% | 17 | 1 | 1 | 1 | 5 | 80% / 90% | goal |');
    expect(table[5]).toBe('| lib/d.ts | not run | 0 | 0 | 0 | 0 | 0 | 80% / 90% | missing |');
  });
});
