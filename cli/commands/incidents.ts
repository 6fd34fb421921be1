import { keyValues, table } from '../format';
import type { CommandSpec } from '../types';

const FUNCTION = 'opsIncidents';

interface Attachment {
  name: string;
  contentType: string;
  size: number;
  key?: string;
  dropped?: string;
}

interface ReporterMessage {
  at: string;
  via: 'web' | 'email';
  text: string;
  attachments: Attachment[];
}

interface TimelineEntry {
  at: string;
  actor: string;
  kind: string;
  visibility: string;
  from?: string;
  to?: string;
  message?: string;
}

/** `incidents ...`: the lifecycle of security and account reports (API.md, Operations CLI). */
export const incidentCommands: CommandSpec[] = [
  {
    path: ['incidents', 'list'],
    summary: 'Lists incidents, newest first',
    options: { status: { type: 'string', description: 'only incidents in this status (received, acknowledged, investigating, resolved, published, closed)' } },
    run: (context, args) => context.invoke(FUNCTION, 'list', { status: args.options.status }),
    format(result) {
      const { incidents } = result as { incidents: Array<Record<string, unknown>> };
      return table(incidents, ['id', 'status', 'scope', 'source', 'createdAt', 'acknowledgeBy', 'contact', 'flags', 'summary']);
    },
  },
  {
    path: ['incidents', 'show'],
    summary: "Everything about one incident, internal notes, the reporter's messages and attachments included",
    positionals: ['id'],
    run: (context, args) => context.invoke(FUNCTION, 'show', { id: args.positionals[0] }),
    format(result) {
      const { timeline, messages = [], attachments = [], ...incident } = result as Record<string, unknown> & { timeline: TimelineEntry[]; messages?: ReporterMessage[]; attachments?: Attachment[] };
      const { details, ...rest } = incident;
      const lines = timeline.map((e) => `${e.at}  ${e.visibility.padEnd(8)}  ${e.kind.padEnd(9)}  ${e.actor}${e.to ? `  ${e.from ?? ''}→${e.to}` : ''}${e.message ? `\n    ${e.message.replace(/\n/g, '\n    ')}` : ''}`);
      const said = messages.map(
        (m, i) => `#${i + 1} ${m.at} (${m.via})${m.attachments.length ? `  [${m.attachments.map((a) => a.name).join(', ')}]` : ''}\n    ${m.text.replace(/\n/g, '\n    ')}`,
      );
      const files = attachments.map((a) => `  ${a.name} (${a.contentType}, ${a.size} bytes): ${a.key ? `stored at ${a.key}` : `dropped (${a.dropped})`}`);
      return [
        keyValues(rest),
        '',
        'Details:',
        String(details),
        '',
        `Reporter messages (${messages.length}):`,
        ...said,
        ...(files.length ? ['', 'Attachments:', ...files] : []),
        '',
        'Timeline:',
        ...lines,
      ].join('\n');
    },
  },
  {
    path: ['incidents', 'ack'],
    summary: 'Acknowledges an incident and assigns the point of contact (the reporter is emailed)',
    positionals: ['id'],
    options: {
      contact: { type: 'string', description: 'the point of contact (a name)', required: true },
      'contact-email': { type: 'string', description: "the point of contact's email, for reminders (default: the team address)" },
    },
    run: (context, args) => context.invoke(FUNCTION, 'ack', { id: args.positionals[0], contact: args.options.contact, contactEmail: args.options['contact-email'] }),
  },
  {
    path: ['incidents', 'update'],
    summary: 'Adds a note; --public makes it visible to the reporter (and emails it)',
    positionals: ['id'],
    options: {
      message: { type: 'string', description: 'the note', required: true },
      public: { type: 'boolean', description: 'show the note to the reporter and email it to them' },
    },
    run: (context, args) => context.invoke(FUNCTION, 'update', { id: args.positionals[0], message: args.options.message, public: Boolean(args.options.public) }),
  },
  {
    path: ['incidents', 'status'],
    summary: 'Moves an incident to investigating, resolved or closed',
    positionals: ['id', 'status'],
    run: (context, args) => context.invoke(FUNCTION, 'status', { id: args.positionals[0], status: args.positionals[1] }),
  },
  {
    path: ['incidents', 'publish'],
    summary: 'Publishes the advisory of a resolved incident, with credits',
    positionals: ['id'],
    options: {
      title: { type: 'string', description: 'the advisory title', required: true },
      summary: { type: 'string', description: 'the advisory summary', required: true },
      credit: { type: 'multiple', description: 'a name to credit (repeatable); the reporter is credited as they asked when they consented' },
    },
    run: (context, args) =>
      context.invoke(FUNCTION, 'publish', { id: args.positionals[0], title: args.options.title, summary: args.options.summary, credits: args.options.credit ?? [] }),
  },
  {
    path: ['incidents', 'escalate'],
    summary: 'Runs the escalation job now (it also runs every 15 minutes); --now only on the local stage',
    options: { now: { type: 'string', description: 'local stage only: run as if it were this ISO time' } },
    run: (context, args) => context.invoke(FUNCTION, 'escalate', { now: args.options.now }),
  },
];
