/**
 * Output for people. Text from outside (mail, reports, names, a customer's subject in the audit
 * log) must never reach an engineer's terminal raw: an ESC sequence can erase lines or forge rows,
 * a bidirectional override can make a line read differently. So every C0 and C1 control, DEL, the
 * bidi formatting characters and the line/paragraph separators are shown escaped (`\u001b`):
 * - inside a value (a table cell, a key's value): all of them, line breaks and tabs included;
 * - on the whole output (cli/program.ts, everything a command prints, --json too): all but the
 *   line breaks and tabs our own layout uses. JSON stays valid: `\uXXXX` is JSON's own escape.
 */
const IN_VALUE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const IN_OUTPUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A value on one line: every control and bidi formatting character escaped. */
export function escapeValue(text: string): string {
  return text.replace(IN_VALUE, escapeChar);
}

/** Whole output: controls escaped except `\n` and `\t`. */
export function escapeOutput(text: string): string {
  return text.replace(IN_OUTPUT, escapeChar);
}

const cell = (v: unknown) => escapeValue(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Plain-text tables for people; --json output never goes through here. */
export function table(rows: Array<Record<string, unknown>>, columns?: string[]): string {
  if (rows.length === 0) return '(none)';
  const cols = columns ?? Object.keys(rows[0]);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cols.map(escapeValue)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

export function keyValues(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => escapeValue(k).length));
  return Object.entries(record)
    .map(([k, v]) => `${escapeValue(k).padEnd(width)}  ${cell(v)}`)
    .join('\n');
}
