import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { countAwsCalls } from '../lib/aws-call-counter';
import { EMULATOR_REGION } from '../lib/emulator';
import { composeMail, INBOUND_FUNCTION, inboundBucketName, newInboundObjectKey, s3ObjectCreatedEvent, sesVerdictHeaders, uniqueMessageId, uniqueSender, type InboundOutcome } from '../lib/inbound-mail';
import { lambdaContext } from '../lib/api-events';
import type { StageConfig } from '../lib/stage-config';
import { loadHandler } from './context';
import { ProgressTable } from './report';
import { percentile, round } from './stats';

/**
 * The security inbox's path, warm and in-process: each message is stored in the emulator's
 * inbound bucket (what SES does, not counted), then receiveSecurityMail runs on its S3 event.
 * Four kinds in turn: a new report (read, claim, rate count, incident, acknowledgement, team
 * alert), a reply to it (thread look-up, append, contact told), the same report again under
 * another key (duplicate), an out-of-office (ignored). An outcome other than the expected one is
 * counted as unexpected; a message with no outcome at all would be lost. Written to
 * bench/inbox.json and printed as a table.
 */

type Kind = 'new report' | 'reply' | 'duplicate' | 'auto-reply';
/**
 * Each kind's AWS-call target is its floor (docs/performance.md lists the calls and why each is
 * needed); test/integration/inbox/aws-calls.test.ts holds the same numbers in `npm test`.
 */
export const INBOX_KINDS: Array<{ kind: Kind; expect: InboundOutcome['outcome']; awsCalls: { max: number } }> = [
  // object read, claim, rate count, incident, acknowledgement, team alert, finish with the acknowledgement's record
  { kind: 'new report', expect: 'created', awsCalls: { max: 7 } },
  // object read, claim, rate count, referenced Message-IDs, incident read, append, contact told, finish
  { kind: 'reply', expect: 'appended', awsCalls: { max: 8 } },
  // object read, the refused claim (returns the first record), the duplicate's own record
  { kind: 'duplicate', expect: 'ignored', awsCalls: { max: 3 } },
  // object read, the claim written already ignored
  { kind: 'auto-reply', expect: 'ignored', awsCalls: { max: 2 } },
];
const KINDS = INBOX_KINDS;

export interface InboxBenchRow {
  kind: Kind;
  n: number;
  p50Ms: number | null;
  p95Ms: number | null;
  awsCallsMax: number;
  awsCallsByCommand: Record<string, number>;
  target: { max: number };
  /** The most calls one message of this kind made is at or under its target. */
  withinTarget: boolean;
  unexpected: number;
}

export interface InboxBenchResult {
  status: 'ok' | 'not built';
  rows: InboxBenchRow[];
  lost: number;
}

/** One printed row: as the warm rows, `met` says NO over the target and an unexpected outcome marks the name. */
export function inboxRow(r: InboxBenchRow): string[] {
  return [
    r.unexpected > 0 ? `UNEXPECTED: ${r.kind}` : r.kind,
    String(r.n),
    String(r.p50Ms),
    String(r.p95Ms),
    String(r.awsCallsMax),
    `≤ ${r.target.max}`,
    r.withinTarget ? 'yes' : 'NO',
    Object.entries(r.awsCallsByCommand).map(([c, n]) => `${c.replace(/Command$/, '')}×${n}`).join(' '),
    String(r.unexpected),
  ];
}

/** What makes the bench fail: an unexpected outcome or a lost message (a row over its target is marked, as warm rows are). */
export function inboxProblems(result: InboxBenchResult): string[] {
  return [
    ...result.rows.filter((r) => r.unexpected > 0).map((r) => `security inbox, ${r.kind}: ${r.unexpected} of ${r.n} outcomes unexpected`),
    ...(result.lost > 0 ? [`security inbox: ${result.lost} message(s) lost (no outcome)`] : []),
  ];
}

export async function runInboxBench(config: StageConfig, emulatorEndpoint: string, rounds: number, outDir: string, say: (line: string) => void): Promise<InboxBenchResult> {
  say('\nSecurity inbox (stored in the bucket, then receiveSecurityMail on its S3 event, in-process):');
  if (!config.functions[INBOUND_FUNCTION]) {
    say('  not built');
    return { status: 'not built', rows: [], lost: 0 };
  }
  const handler = loadHandler(config, INBOUND_FUNCTION);
  const bucket = inboundBucketName({ service: config.service, stage: 'local', region: EMULATOR_REGION });
  const s3 = new S3Client({ region: EMULATOR_REGION, endpoint: emulatorEndpoint, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const context = lambdaContext(`${config.service}-local-${INBOUND_FUNCTION}`);
  const samples = new Map<Kind, { ms: number[]; calls: number[]; commands: Record<string, number>; unexpected: number }>(KINDS.map((k) => [k.kind, { ms: [], calls: [], commands: {}, unexpected: 0 }]));
  let lost = 0;

  const deliver = async (kind: Kind, raw: Buffer, expect: InboundOutcome['outcome'], measured = true) => {
    const key = newInboundObjectKey();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: raw }));
    const started = process.hrtime.bigint();
    const { result, calls } = await countAwsCalls(() => handler(s3ObjectCreatedEvent(bucket, key, raw.byteLength, EMULATOR_REGION), context) as Promise<{ results: InboundOutcome[] }>);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const outcome = result.results[0];
    if (!measured) return outcome;
    const s = samples.get(kind)!;
    if (!outcome) lost += 1;
    else if (outcome.outcome !== expect) s.unexpected += 1;
    s.ms.push(ms);
    s.calls.push(calls.length);
    for (const c of calls) s.commands[`${c.service}:${c.command}`] = Math.max(s.commands[`${c.service}:${c.command}`] ?? 0, calls.filter((x) => x.command === c.command && x.service === c.service).length);
    return outcome;
  };

  for (let i = -1; i < rounds; i += 1) {
    const sender = uniqueSender('bench');
    const messageId = uniqueMessageId();
    const report = composeMail({ from: sender, messageId, headers: sesVerdictHeaders() });
    // Round -1 pays module load and first connections: delivered, not measured.
    const first = await deliver('new report', report, 'created', i >= 0);
    if (i < 0) continue;
    await deliver('reply', composeMail({ from: sender, subject: `Re: ${first?.incidentId ?? ''}`, inReplyTo: messageId, headers: sesVerdictHeaders() }), 'appended');
    await deliver('duplicate', report, 'ignored');
    await deliver('auto-reply', composeMail({ from: uniqueSender('ooo'), headers: ['Auto-Submitted: auto-replied', ...sesVerdictHeaders()] }), 'ignored');
  }

  const rows: InboxBenchRow[] = KINDS.map(({ kind, awsCalls }) => {
    const s = samples.get(kind)!;
    const awsCallsMax = Math.max(0, ...s.calls);
    return { kind, n: s.ms.length, p50Ms: round(percentile(s.ms, 50), 2), p95Ms: round(percentile(s.ms, 95), 2), awsCallsMax, awsCallsByCommand: s.commands, target: awsCalls, withinTarget: awsCallsMax <= awsCalls.max, unexpected: s.unexpected };
  });
  const table = new ProgressTable(['message', 'n', 'p50 ms', 'p95 ms', 'AWS calls (max)', 'target', 'met', 'calls by command (max)', 'unexpected'], [24, 5, 8, 8, 16, 6, 3, 90, 10]);
  for (const r of rows) table.row(inboxRow(r));
  say(`  lost: ${lost}`);
  const result: InboxBenchResult = { status: 'ok', rows, lost };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'inbox.json'), `${JSON.stringify({ generatedAt: new Date().toISOString(), rounds, ...result }, null, 2)}\n`);
  return result;
}
