/**
 * Per-module mutation scores from Stryker's JSON report (the mutation-testing-report-schema), and
 * the verdict against per-module thresholds. Scores count as Stryker's own: detected (killed or
 * timed out) over detected plus undetected (survived or not covered); ignored mutants (marked
 * equivalent in the source, with a reason) and mutants that do not compile or crash the run are
 * not counted.
 */
export interface ModuleThreshold {
  break: number;
  goal: number;
}

export interface ReportMutant {
  status: string;
}

export interface MutationReport {
  files: Record<string, { mutants: ReportMutant[] }>;
}

export interface ModuleScore {
  module: string;
  score: number | null;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  ignored: number;
  verdict: 'goal' | 'pass' | 'break' | 'missing';
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function count(mutants: ReportMutant[], status: string): number {
  return mutants.filter((m) => m.status === status).length;
}

export function scoreModules(report: MutationReport, thresholds: Record<string, ModuleThreshold>, root: string): ModuleScore[] {
  const byModule = new Map<string, ReportMutant[]>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const relative = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
    byModule.set(relative, mutants);
  }
  return Object.entries(thresholds).map(([module, threshold]) => {
    const mutants = byModule.get(module);
    if (!mutants) return { module, score: null, killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0, verdict: 'missing' };
    const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
    const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
    const score = detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected);
    const verdict = score < threshold.break ? 'break' : score < threshold.goal ? 'pass' : 'goal';
    return {
      module,
      score: Math.round(score * 100) / 100,
      killed: count(mutants, 'Killed'),
      survived: count(mutants, 'Survived'),
      noCoverage: count(mutants, 'NoCoverage'),
      timeout: count(mutants, 'Timeout'),
      ignored: count(mutants, 'Ignored'),
      verdict,
    };
  });
}

export function scoreTable(scores: ModuleScore[], thresholds: Record<string, ModuleThreshold>): string {
  const rows = scores.map((s) => {
    const t = thresholds[s.module];
    const score = s.score === null ? 'not run' : `${s.score.toFixed(2)}%`;
    return `| ${s.module} | ${score} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.ignored} | ${t.break}% / ${t.goal}% | ${s.verdict} |`;
  });
  return [
    '| module | score | killed | timed out | survived | no coverage | ignored (equivalent) | break / goal | verdict |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
