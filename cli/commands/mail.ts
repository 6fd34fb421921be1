import { mailSentTo, readSentMail, type SentMail } from '../../scripts/lib/emulator-clients';
import { OpsCommandError, type CommandSpec } from '../types';

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
      return messages.map((m) => `To: ${m.to.join(', ')}\nFrom: ${m.from}\nSubject: ${m.subject}\n\n${m.body}\n${'-'.repeat(60)}`).join('\n');
    },
  },
];
