import type { BenchResults } from './report';

/**
 * bench/chart.svg: warm p50 and p95 per route against its floor (log scale, ms), and the cold-init
 * ratio per function against the 1.3 target. Plain SVG, no dependency; written by every run.
 */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function benchChart(r: BenchResults): string {
  const warm = r.warm.filter((w) => w.status === 'ok' && w.p50Ms !== null);
  const fns = r.functions.filter((f) => f.coldInit?.ratio !== null && f.coldInit?.ratio !== undefined);
  const width = 900;
  const label = 300;
  const plot = width - label - 40;
  const row = 18;
  const top1 = 60;
  const h1 = warm.length * row;
  const top2 = top1 + h1 + 90;
  const h2 = fns.length * row;
  const height = top2 + h2 + 50;

  // Panel 1: log10 scale from 0.1 ms to the largest p95 (rounded up to a power of ten).
  const maxMs = Math.max(1, ...warm.map((w) => w.p95Ms ?? 0), ...warm.map((w) => w.floorMs ?? 0));
  const lo = -1;
  const hi = Math.ceil(Math.log10(maxMs));
  const x1 = (ms: number) => label + ((Math.log10(Math.max(ms, 0.1)) - lo) / (hi - lo)) * plot;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="10" y="20" font-size="14" font-weight="bold">HelpShelf bench ${esc(r.generatedAt)} (${esc(r.machine.cpuModel)}, ${r.machine.cores} cores, Node ${esc(r.node)})</text>`);
  out.push(`<text x="10" y="${top1 - 22}" font-size="13">Warm latency per route, ms (log scale): p50 bar, p95 whisker, floor ▲ (AWS calls × emulator median per call type + argon2)</text>`);
  for (let e = lo; e <= hi; e += 1) {
    const x = x1(10 ** e);
    out.push(`<line x1="${x}" y1="${top1 - 8}" x2="${x}" y2="${top1 + h1}" stroke="#ddd"/><text x="${x}" y="${top1 - 10}" text-anchor="middle" fill="#666">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(1)}</text>`);
  }
  warm.forEach((w, i) => {
    const y = top1 + i * row;
    const bad = w.unexpected > 0 || w.withinTarget === false;
    out.push(`<text x="${label - 6}" y="${y + 12}" text-anchor="end" fill="${bad ? '#b00' : '#000'}">${esc(`${w.name}${w.unexpected ? ' (UNEXPECTED)' : ''}`)}</text>`);
    out.push(`<rect x="${label}" y="${y + 3}" width="${Math.max(1, x1(w.p50Ms!) - label)}" height="${row - 6}" fill="#4a7ab5"/>`);
    if (w.p95Ms !== null) out.push(`<line x1="${x1(w.p50Ms!)}" y1="${y + row / 2}" x2="${x1(w.p95Ms)}" y2="${y + row / 2}" stroke="#4a7ab5" stroke-width="2"/><line x1="${x1(w.p95Ms)}" y1="${y + 4}" x2="${x1(w.p95Ms)}" y2="${y + row - 4}" stroke="#4a7ab5" stroke-width="2"/>`);
    if (w.floorMs) {
      const fx = x1(w.floorMs);
      out.push(`<path d="M ${fx} ${y + 4} l -4 8 l 8 0 z" fill="#e08a00"><title>floor ${w.floorMs} ms</title></path>`);
    }
  });

  // Panel 2: cold-init ratio, linear from 0 to max(2, largest).
  const maxRatio = Math.max(2, ...fns.map((f) => f.coldInit!.ratio!));
  const x2 = (v: number) => label + (v / maxRatio) * plot;
  out.push(`<text x="10" y="${top2 - 22}" font-size="13">Cold init / SDK floor per function (target ≤ 1.3, dashed)</text>`);
  for (let v = 0; v <= maxRatio + 1e-9; v += 0.5) out.push(`<line x1="${x2(v)}" y1="${top2 - 8}" x2="${x2(v)}" y2="${top2 + h2}" stroke="#ddd"/><text x="${x2(v)}" y="${top2 - 10}" text-anchor="middle" fill="#666">${v.toFixed(1)}</text>`);
  fns.forEach((f, i) => {
    const y = top2 + i * row;
    const ratio = f.coldInit!.ratio!;
    const over = ratio > 1.3;
    out.push(`<text x="${label - 6}" y="${y + 12}" text-anchor="end" fill="${over ? '#b00' : '#000'}">${esc(f.functionKey)}</text>`);
    out.push(`<rect x="${label}" y="${y + 3}" width="${Math.max(1, x2(ratio) - label)}" height="${row - 6}" fill="${over ? '#c0392b' : '#3c9a5f'}"><title>${ratio}</title></rect>`);
  });
  out.push(`<line x1="${x2(1.3)}" y1="${top2 - 8}" x2="${x2(1.3)}" y2="${top2 + h2}" stroke="#b00" stroke-dasharray="4 3"/>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
