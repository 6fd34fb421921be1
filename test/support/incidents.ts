import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Send } from './http';
import { mailTo, type SentMail } from './mail';
import { opsCli } from './ops';
import { emulatorDocumentClient } from '../../scripts/lib/emulator-clients';

/** The local stage's incidents table (the same name in the integration and e2e emulators). */
export const INCIDENTS_TABLE = 'helpshelf-local-incidents';

/**
 * Test-only look at the incidents table: every item (incident, timeline, advisory) that mentions
 * a reporter's email or an id. A Scan is fine here; production code never scans.
 */
export function incidentTable(endpoint: string) {
  const client = emulatorDocumentClient(endpoint);
  const scan = async (filter: string, values: Record<string, unknown>) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(new ScanCommand({ TableName: INCIDENTS_TABLE, FilterExpression: filter, ExpressionAttributeValues: values, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  return {
    byEmail: (email: string) => scan('email = :e', { ':e': email }),
    byId: (id: string) => scan('pk = :pk', { ':pk': `INCIDENT#${id}` }),
    /** Items whose summary or details contain a marker: finds a report even without its email. */
    byMarker: (marker: string) => scan('contains(summary, :m) OR contains(details, :m)', { ':m': marker }),
  };
}

/** The ops actions of the walk-through, done in-process (integration) or through the real CLI (e2e). */
export interface IncidentOps {
  list(status?: string): Promise<{ incidents: Array<Record<string, any>> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  show(id: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  ack(id: string, contact: string, contactEmail?: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  update(id: string, message: string, isPublic: boolean): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  status(id: string, status: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  publish(id: string, title: string, summary: string, credits: string[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  escalate(nowIso: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** An action expected to be refused: its error code and message. */
  refused(action: 'ack' | 'status' | 'publish', ...args: string[]): Promise<{ code?: string; message: string }>;
}

export interface IncidentTestEnv {
  send: Send;
  ops: IncidentOps;
  mailTo(address: string): Promise<SentMail[]>;
  table: ReturnType<typeof incidentTable>;
}

/** Ops through the real CLI against the e2e stage, with --json. */
export function cliOps(): IncidentOps {
  const json = async (args: string[]) => {
    const res = await opsCli([...args, '--json']);
    if (res.code !== 0) throw new Error(`ops ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
    return res.json;
  };
  const argsOf = (action: string, a: string[]): string[] => {
    switch (action) {
      case 'ack':
        return ['incidents', 'ack', a[0], '--contact', a[1]];
      case 'status':
        return ['incidents', 'status', a[0], a[1]];
      default:
        return ['incidents', 'publish', a[0], '--title', a[1], '--summary', a[2]];
    }
  };
  return {
    list: (status) => json(['incidents', 'list', ...(status ? ['--status', status] : [])]),
    show: (id) => json(['incidents', 'show', id]),
    ack: (id, contact, contactEmail) => json(['incidents', 'ack', id, '--contact', contact, ...(contactEmail ? ['--contact-email', contactEmail] : [])]),
    update: (id, message, isPublic) => json(['incidents', 'update', id, '--message', message, ...(isPublic ? ['--public'] : [])]),
    status: (id, status) => json(['incidents', 'status', id, status]),
    publish: (id, title, summary, credits) => json(['incidents', 'publish', id, '--title', title, '--summary', summary, ...credits.flatMap((c) => ['--credit', c])]),
    escalate: (nowIso) => json(['incidents', 'escalate', '--now', nowIso]),
    async refused(action, ...a) {
      const res = await opsCli(argsOf(action, a));
      if (res.code === 0) throw new Error(`ops ${action} unexpectedly succeeded`);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      return { message: res.stderr.trim() };
    },
  };
}

export async function mailContaining(address: string, needle: string, read: (a: string) => Promise<SentMail[]>): Promise<SentMail[]> {
  return (await read(address)).filter((m) => m.body.includes(needle) || m.subject.includes(needle));
}

export { mailTo };
