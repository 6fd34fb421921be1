import { table } from '../format';
import { OpsCommandError, type CommandSpec } from '../types';

interface SentMessage {
  id: string;
  source: string;
  destinations: { ToAddresses?: string[] };
  subject: string;
  body: string;
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
      let data: { ses?: { Message?: SentMessage[] } };
      try {
        const res = await fetch(`${endpoint}/_helpshelf/mail`, { signal: AbortSignal.timeout(10_000) });
        data = (await res.json()) as typeof data;
      } catch (error) {
        throw new OpsCommandError(`Cannot read mail from the emulator at ${endpoint}: ${(error as Error).message}`, 'emulator_unreachable');
      }
      const to = typeof args.options.to === 'string' ? args.options.to.trim().toLowerCase() : undefined;
      const messages = (data.ses?.Message ?? [])
        .map((m) => ({ id: m.id, from: m.source, to: m.destinations.ToAddresses ?? [], subject: m.subject, body: m.body }))
        .filter((m) => !to || m.to.some((address) => address.toLowerCase() === to))
        .reverse();
      return { messages };
    },
    format(result) {
      const { messages } = result as { messages: Array<{ id: string; from: string; to: string[]; subject: string; body: string }> };
      if (messages.length === 0) return '(no mail)';
      return messages.map((m) => `To: ${m.to.join(', ')}\nFrom: ${m.from}\nSubject: ${m.subject}\n\n${m.body}\n${'-'.repeat(60)}`).join('\n');
    },
  },
];

export { table };
