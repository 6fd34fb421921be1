import { SendEmailCommand } from '@aws-sdk/client-ses';
import { sesClient } from './aws/ses';
import { requireEnv } from './config';

/**
 * Outgoing mail, plain text only: nothing a reporter or customer typed is ever rendered as HTML.
 * Domain code depends on the Mailer interface; this SES adapter is wired in by handlers.
 */
export interface Mail {
  to: string | string[];
  subject: string;
  text: string;
  replyTo?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function sesMailer(from = requireEnv('MAIL_FROM')): Mailer {
  return {
    async send(mail) {
      await sesClient.send(
        new SendEmailCommand({
          Source: from,
          Destination: { ToAddresses: Array.isArray(mail.to) ? mail.to : [mail.to] },
          ReplyToAddresses: mail.replyTo ? [mail.replyTo] : undefined,
          Message: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
        }),
      );
    },
  };
}
