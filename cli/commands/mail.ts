import { readFileSync, statSync } from 'node:fs';
import { mailSentTo, readSentMail, type SentMail } from '../../scripts/lib/emulator-clients';
import { receiveLocally, type InboundOutcome } from '../../scripts/lib/inbound-mail';
import { table } from '../format';
import { OpsCommandError, type CommandSpec } from '../types';

/** What the security inbox did with a message (`mail receive`, `mail replay`): one line each. */
function inboundOutcome(result: unknown): string {
  const r = result as Omit<InboundOutcome, 'objectKey'>;
  return [`outcome: ${r.outcome}`, ...(r.incidentId ? [`incident: ${r.incidentId}`] : []), ...(r.reason ? [`reason: ${r.reason}`] : [])].join('\n');
}

/**
 * `mail list`: the local stage sends real SES calls to the emulator, which keeps every message;
 * this reads them back. Deployed stages deliver mail for real, so the command is local-only.
 */
export const mailCommands: CommandSpec[] = [
  {
    path: ['mail', 'list'],
    summary: 'Local stage only: the emails the system sent, newest first, bodies included',
    options: { to: { type: 'string', description: 'only mail sent to this address' } },
    localOnly: true,
    async run(context, args) {
      const endpoint = context.local!.emulatorEndpoint;
      let mails: SentMail[];
      try {
        mails = await readSentMail(endpoint);
      } catch (error) {
        throw new OpsCommandError(`Cannot read mail from the emulator at ${endpoint}: ${(error as Error).message}`, 'emulator_unreachable');
      }
      const to = typeof args.options.to === 'string' ? args.options.to : undefined;
      return { messages: (to ? mailSentTo(mails, to) : mails).reverse() };
    },
    format(result) {
      const { messages } = result as { messages: SentMail[] };
      if (messages.length === 0) return '(no mail)';
      return messages
        .map((m) => {
          const thread = m.headers?.['In-Reply-To'] ? `In-Reply-To: ${m.headers['In-Reply-To']}\n` : '';
          return `To: ${m.to.join(', ')}\nFrom: ${m.from}\n${thread}Subject: ${m.subject}\n\n${m.body}\n${'-'.repeat(60)}`;
        })
        .join('\n');
    },
  },
  {
    path: ['mail', 'receive'],
    summary: 'Local stage only: delivers a raw message (.eml) to the security inbox as SES receipt would',
    options: { file: { type: 'string', description: 'the RFC 5322 message to deliver (.eml)', required: true } },
    localOnly: true,
    async run(context, args) {
      const file = String(args.options.file);
      let raw: Buffer;
      try {
        // SES refuses messages over 40 MB; so does the local path.
        if (statSync(file).size > 40 * 1024 * 1024) throw new OpsCommandError(`${file} is larger than the 40 MB SES accepts.`, 'message_too_large');
        raw = readFileSync(file);
      } catch (error) {
        if (error instanceof OpsCommandError) throw error;
        throw new OpsCommandError(`Cannot read ${file}: ${(error as Error).message}`, 'unreadable_file');
      }
      const local = context.local!;
      try {
        const { objectKey: _key, ...outcome } = await receiveLocally({ ...local, stage: 'local' }, raw);
        return outcome;
      } catch (error) {
        throw new OpsCommandError(`Delivering ${file} to the local inbox failed: ${(error as Error).message}`, 'receive_failed');
      }
    },
    format: inboundOutcome,
  },
  {
    path: ['mail', 'replay'],
    summary: 'Feeds a raw message still in the inbound bucket to the security inbox again (its processing failed or never ran: the inbox failures alarm); idempotent, a message that became an incident answers with it; needs --reason; audited',
    options: {
      key: { type: 'string', required: true, description: 'the object key, inbound/<SES message id> (from the failures queue message or the bucket)' },
      reason: { type: 'string', required: true, description: 'why: a ticket or incident reference, e.g. "INC-2041 inbox failures alarm"' },
    },
    run: (context, args) => context.invoke('opsInbox', 'replay', { key: args.options.key, reason: args.options.reason }),
    format: inboundOutcome,
  },
  {
    path: ['mail', 'ignored'],
    summary: 'Messages the security inbox received and recorded as ignored (auto-replies, bounces, lists, duplicates, rate-limited), newest first; they name senders, so it needs --reason with a ticket or incident reference; audited',
    options: {
      limit: { type: 'string', description: 'how many (default 50, at most 500)' },
      reason: { type: 'string', required: true, description: 'why: a ticket or incident reference, e.g. "INC-2041", "incident inc_…", "ticket 4411"' },
    },
    run: (context, args) => context.invoke('opsIncidents', 'ignored', { limit: args.options.limit, reason: args.options.reason }),
    format(result) {
      const { messages } = result as { messages: Array<Record<string, unknown>> };
      return table(messages, ['receivedAt', 'reason', 'from', 'incidentId', 'objectKey']);
    },
  },
];
