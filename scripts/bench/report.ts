import type { BundleInfo, ColdInit } from './bundles';
import type { ThroughputResult } from './throughput';
import type { WarmResult } from './warm';

export interface FunctionResult {
  functionKey: string;
  bundle: Omit<BundleInfo, 'file' | 'baselineFile' | 'functionKey'> | null;
  coldInit: ColdInit | null;
  error?: string;
}

export interface BenchResults {
  schemaVersion: 1;
  generatedAt: string;
  quick: boolean;
  machine: { cpuModel: string; cores: number; memoryGiB: number; platform: string; arch: string };
  node: string;
  emulator: { getItemMedianMs: number; calls: number; callTypes?: Record<string, { medianMs: number; calls: number }> };
  /** The price table used for usdPerMillion (scripts/bench/prices.ts). */
  prices?: { asOf: string; region: string };
  /** Why the run exits non-zero: scenarios with unexpected outcomes, lost or double-applied events. */
  problems?: string[];
  functions: FunctionResult[];
  warm: WarmResult[];
  login: { argon2VerifyMedianMs: number; params: { memoryCost: number; timeCost: number; parallelism: number }; source: string } | null;
  throughput: ThroughputResult;
}

const fmt = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const kib = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '—' : `${(bytes / 1024).toFixed(1)} KiB`);
const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? '—' : v ? 'yes' : 'NO');

const short = (pkg: string) => pkg.replace('@aws-sdk/', '');

/** The clients the bundle loads; one its IAM role does not allow (so never called) is marked `unused`. */
function sdkColumn(bundle: NonNullable<FunctionResult['bundle']>): string {
  const floor = new Set(bundle.floorClients ?? bundle.sdkClients);
  return bundle.sdkClients.map((pkg) => (floor.has(pkg) ? short(pkg) : `${short(pkg)} (unused)`)).join(', ') || '—';
}

export function functionRow(f: FunctionResult): string[] {
  if (!f.bundle) return [f.functionKey, '—', '—', '—', '—', '—', '—', `error: ${f.error}`];
  const c = f.coldInit;
  return [
    f.functionKey,
    kib(f.bundle.bytes),
    f.bundle.externals.map((e) => `${e.name} (${kib(e.bytes)})`).join(', ') || '—',
    sdkColumn(f.bundle),
    c ? fmt(c.medianMs) : '—',
    c ? fmt(c.baselineMedianMs) : '—',
    c?.ratio === null || !c ? '— (role allows no AWS service)' : fmt(c.ratio),
    c ? yesNo(c.withinTarget) : '—',
  ];
}
export const FUNCTION_HEADER = ['function', 'bundle (min)', 'native externals', 'SDK clients loaded', 'cold init ms (p50)', 'IAM floor ms', 'ratio', '≤ 1.3'];

/** SDK clients a bundle loads that its IAM role does not allow: loaded at cold start for nothing. */
export function unusedClients(bundle: NonNullable<FunctionResult['bundle']>): string[] {
  const floor = new Set(bundle.floorClients ?? bundle.sdkClients);
  return bundle.sdkClients.filter((pkg) => !floor.has(pkg)).map((pkg) => short(pkg).replace(/^client-/, ''));
}

/**
 * The console's function row: what needs reading first (cold init against the IAM floor, and a
 * client loaded for nothing, in full as the last column); the markdown summary keeps functionRow.
 */
export function functionConsoleRow(f: FunctionResult): string[] {
  if (!f.bundle) return [f.functionKey, '—', '—', '—', '—', '—', `error: ${f.error}`];
  const c = f.coldInit;
  return [f.functionKey, kib(f.bundle.bytes), c ? fmt(c.medianMs) : '—', c ? fmt(c.baselineMedianMs) : '—', c?.ratio == null ? '—' : fmt(c.ratio, 3), c ? yesNo(c.withinTarget) : '—', unusedClients(f.bundle).join(', ') || '—'];
}
export const FUNCTION_CONSOLE_HEADER = ['function', 'bundle (min)', 'cold init ms (p50)', 'IAM floor ms', 'ratio', '≤ 1.3', 'SDK clients loaded for nothing'];
export const FUNCTION_CONSOLE_WIDTHS = [28, 12, 18, 12, 6, 5, 34];
/** Printed under the function table's header. */
export const FUNCTION_CONSOLE_LEGEND = 'IAM floor: a bundle constructing only the SDK clients of the services the role allows; ratio — : the role allows no AWS service (no floor).';

/** The closing table: every function, scenario or check that did not meet its target, and by how much. */
export function notMetRows(r: Pick<BenchResults, 'functions' | 'warm'>): string[][] {
  const rows: string[][] = [];
  for (const f of r.functions) {
    if (f.error) rows.push([f.functionKey, 'bundle / cold init', `failed: ${f.error}`]);
    else if (f.coldInit?.withinTarget === false) rows.push([f.functionKey, 'cold init ≤ 1.3 × IAM floor', `${fmt(f.coldInit.ratio, 3)} (${fmt(f.coldInit.medianMs)} / ${fmt(f.coldInit.baselineMedianMs)} ms)`]);
    const unused = f.bundle ? unusedClients(f.bundle) : [];
    if (unused.length) rows.push([f.functionKey, 'loads only what its role allows', `also loads ${unused.join(', ')}`]);
  }
  for (const w of r.warm) {
    if (w.status === 'failed') rows.push([w.name, 'runs', `failed: ${w.reason ?? ''}`]);
    if (w.unexpected > 0) rows.push([w.name, 'expected answers', `${w.unexpected} of ${w.iterations} unexpected`]);
    if (w.withinTarget === false) rows.push([w.name, `AWS calls ${targetText(w.target)}`, `${w.awsCalls?.max ?? '—'} calls`]);
  }
  return rows;
}
export const NOT_MET_HEADER = ['what', 'target', 'measured'];
export const NOT_MET_WIDTHS = [44, 34, 40];

const targetText = (t: WarmResult['target']) => (t ? `≤ ${t.max}${t.plusEmail ? ((t.emails ?? 1) > 1 ? ` + ${t.emails} emails` : ' + email') : ''}` : '—');

export function warmRow(w: WarmResult, login: BenchResults['login']): string[] {
  if (w.status !== 'ok') return [w.name, `${w.method} ${w.path}`, w.status, '', '', '', w.reason ?? '', targetText(w.target), ''];
  const calls = w.awsCalls ? `${w.awsCalls.max}${w.awsCalls.perRequest.length ? ` [${w.awsCalls.perRequest.join(' ')}]` : ''}` : '—';
  const target = targetText(w.target);
  const base = w.name === 'login' && login ? `${w.name} (argon2id verify ${fmt(login.argon2VerifyMedianMs)} ms)` : w.name;
  const name = w.unexpected > 0 ? `UNEXPECTED: ${base}` : base;
  return [name, `${w.method} ${w.path}`, `${w.iterations}${w.unexpected ? ` (${w.unexpected} unexpected)` : ''}`, fmt(w.p50Ms, 3), fmt(w.p95Ms, 3), fmt(w.p99Ms, 3), calls, target, yesNo(w.withinTarget)];
}
export const WARM_HEADER = ['scenario', 'route', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'AWS calls/request (max)', 'target', 'met'];

export const FLOOR_HEADER = ['scenario', 'p50 ms', 'floor ms', 'p50 / floor', 'RRU', 'WRU', 'Lambda GB-s', 'usd per 1M requests'];
export function floorRow(w: WarmResult): string[] {
  if (w.status !== 'ok') return [w.name, '—', '—', '—', '—', '—', '—', w.status];
  return [
    `${w.unexpected > 0 ? 'UNEXPECTED: ' : ''}${w.name}${w.argon2Ops ? ` (${w.argon2Ops}× argon2)` : ''}`,
    fmt(w.p50Ms, 3),
    fmt(w.floorMs, 3),
    fmt(w.floorRatio, 2),
    fmt(w.capacity?.readUnits, 1),
    fmt(w.capacity?.writeUnits, 1),
    w.cost ? w.cost.lambdaGbSeconds.toFixed(6) : '—',
    w.usdPerMillion === null || w.usdPerMillion === undefined ? '—' : `$${w.usdPerMillion.toFixed(2)}`,
  ];
}

export const THROUGHPUT_HEADER = ['events', 'duplicates', 'received/s', 'applied/s', 'receipt errors', 'lost', 'double-applied'];
export function throughputRow(t: ThroughputResult): string[] {
  if (t.status !== 'ok') return [t.status, '', '', '', t.reason ?? '', '', ''];
  return [String(t.events), String(t.duplicatesDelivered), fmt(t.receivedPerSecond, 1), fmt(t.appliedPerSecond, 1), String(t.receiptErrors), String(t.lost), String(t.doubleApplied)];
}

/** Fixed-width console table, printed a row at a time as results arrive. */
export class ProgressTable {
  constructor(
    header: string[],
    private readonly widths: number[],
    private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    this.out(this.line(header));
    this.out(widths.map((w) => '-'.repeat(w)).join('-+-'));
  }
  private line(cells: string[]): string {
    // The last column is printed in full (nothing follows it to keep aligned).
    const last = cells.length - 1;
    return cells
      .map((c, i) => (i === last ? c : c.length > this.widths[i] ? `${c.slice(0, this.widths[i] - 1)}…` : c.padEnd(this.widths[i])))
      .join(' | ')
      .trimEnd();
  }
  row(cells: string[]): void {
    this.out(this.line(cells));
  }
}

function mdTable(header: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function summaryMarkdown(r: BenchResults, chartHref = 'bench/chart.svg'): string {
  return `## Bench summary

![Warm p50/p95 per route against its floor, and cold-init ratio per function](${chartHref})

${r.quick ? '_Quick mode (BENCH_QUICK=1): few iterations, numbers are indicative only._\n\n' : ''}Run ${r.generatedAt} on ${r.machine.cpuModel} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.platform}/${r.machine.arch}), Node ${r.node}.
Emulator (moto) per-call latency: median GetItem ${fmt(r.emulator.getItemMedianMs, 3)} ms over ${r.emulator.calls} calls — compare warm latencies to it across machines.

### Functions: bundle and cold init

Bundles built with serverless.yml \`custom.esbuild\`; cold init is the median time of \`require()\` of the bundle in a fresh Node process with the stage environment; the SDK floor is a bundle with the same options that only constructs the function's AWS SDK clients.

${mdTable(FUNCTION_HEADER, r.functions.map(functionRow))}

### Warm latency (in-process, real API Gateway events, against the emulator)

${mdTable(WARM_HEADER, r.warm.map((w) => warmRow(w, r.login)))}
${r.login ? `\nLogin compared with raw argon2id verify: ${fmt(r.login.argon2VerifyMedianMs)} ms (m=${r.login.params.memoryCost}, t=${r.login.params.timeCost}, p=${r.login.params.parallelism}; parameters from ${r.login.source}).\n` : ''}
### Floor and cost per request

The floor is the route's AWS calls, each at the emulator's median for that call type on this run${r.emulator.callTypes ? ` (${Object.entries(r.emulator.callTypes).map(([t, m]) => `${t.replace('dynamodb:', '')} ${fmt(m.medianMs)}`).join(', ')} ms)` : ''}, one after the other, plus argon2id where the route hashes or verifies; p50 / floor is what the code adds. Cost on AWS ${r.prices ? `(${r.prices.region}, prices as of ${r.prices.asOf}, scripts/bench/prices.ts)` : ''}: Lambda GB-s at the function's memory and the warm p50, API Gateway REST, DynamoDB on-demand read/write request units (computed from what each call read and wrote: scripts/bench/capacity.ts), SQS, SES, KMS and Secrets Manager requests.

${mdTable(FLOOR_HEADER, r.warm.map(floorRow))}

### Stripe throughput (receipt → queue → worker)

${mdTable(THROUGHPUT_HEADER, [throughputRow(r.throughput)])}
${r.problems?.length ? `\n**This run exits non-zero:**\n${r.problems.map((p) => `- ${p}`).join('\n')}\n` : ''}`;
}

/** Checks the shape of bench/results.json (used by the bench's own test). */
export function validateResults(value: unknown): string[] {
  const problems: string[] = [];
  const r = value as Partial<BenchResults>;
  const need = (cond: boolean, what: string) => {
    if (!cond) problems.push(what);
  };
  need(r?.schemaVersion === 1, 'schemaVersion is 1');
  need(typeof r?.generatedAt === 'string' && !Number.isNaN(Date.parse(r.generatedAt)), 'generatedAt is an ISO date');
  need(typeof r?.machine?.cpuModel === 'string' && (r.machine?.cores ?? 0) > 0 && (r.machine?.memoryGiB ?? 0) > 0, 'machine has cpu, cores and memory');
  need(typeof r?.node === 'string' && r.node.startsWith('v'), 'node version');
  need(typeof r?.emulator?.getItemMedianMs === 'number' && r.emulator.getItemMedianMs > 0, 'emulator per-call latency');
  need(Array.isArray(r?.functions) && r.functions.length > 0, 'one entry per function');
  for (const f of r?.functions ?? []) {
    need(Boolean(f.bundle && f.bundle.bytes > 0), `${f.functionKey}: bundle size`);
    need(Boolean(f.coldInit && f.coldInit.runs > 0 && f.coldInit.medianMs > 0), `${f.functionKey}: cold init`);
  }
  need(Array.isArray(r?.warm) && r.warm.length > 0, 'warm scenarios');
  for (const w of r?.warm ?? []) {
    need(['ok', 'not built', 'failed'].includes(w.status), `${w.name}: status`);
    if (w.status === 'ok') need(typeof w.p50Ms === 'number' && typeof w.p99Ms === 'number' && w.iterations > 0 && Boolean(w.awsCalls), `${w.name}: percentiles and AWS calls`);
    if (w.status === 'ok') need(typeof w.usdPerMillion === 'number' && w.usdPerMillion > 0, `${w.name}: usdPerMillion`);
  }
  need(['ok', 'not built', 'failed'].includes(String(r?.throughput?.status)), 'throughput status');
  return problems;
}
