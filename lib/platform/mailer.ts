import { SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
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
  /**
   * Threading (RFC 5322 §3.6.4): the Message-ID this mail answers and the thread so far. Only
   * well-formed ids (`<local@domain>`) are accepted: they are copied from a received message.
   */
  inReplyTo?: string;
  references?: string[];
  /**
   * RFC 3834 `Auto-Submitted: auto-replied` on mail the system sends in answer to mail, so other
   * responders (out-of-office, vacation) do not answer it and no loop can start.
   */
  autoReply?: boolean;
}

/** What the transport said about a sent message: SES's message id (the local part of its Message-ID header). */
export interface SentMail {
  messageId?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<SentMail | void>;
}

const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$/;

function headerValue(name: string, value: string): string {
  // Everything here is ours or validated, but a line break would start a header of the sender's choosing.
  if (/[\r\n]/.test(value)) throw new Error(`Refusing to send mail: a line break in the ${name} header`);
  return value;
}

/** An encoded word (RFC 2047) for a non-ASCII header value; ASCII stays as it is. */
function encodedWord(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * A single-part text/plain message with threading headers, for SendRawEmail. Only composing:
 * every value is ours or a validated address/Message-ID; the body travels base64-encoded so no
 * line of it can be read as a header or a boundary.
 */
export function composeRawMail(from: string, mail: Mail, date = new Date()): string {
  const to = Array.isArray(mail.to) ? mail.to : [mail.to];
  const ids = [...(mail.references ?? []), ...(mail.inReplyTo ? [mail.inReplyTo] : [])];
  for (const id of ids) if (!MESSAGE_ID.test(id)) throw new Error('Refusing to send mail: a malformed Message-ID in the thread headers');
  const references = [...new Set(ids)];
  const lines = [
    `From: ${headerValue('From', from)}`,
    `To: ${headerValue('To', to.join(', '))}`,
    ...(mail.replyTo ? [`Reply-To: ${headerValue('Reply-To', mail.replyTo)}`] : []),
    `Subject: ${headerValue('Subject', encodedWord(mail.subject))}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
    ...(references.length ? [`References: ${references.join('\r\n ')}`] : []),
    ...(mail.autoReply ? ['Auto-Submitted: auto-replied'] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(mail.text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []),
    '',
  ];
  return lines.join('\r\n');
}

export function sesMailer(from = requireEnv('MAIL_FROM')): Mailer {
  return {
    async send(mail) {
      if (mail.inReplyTo || mail.references?.length || mail.autoReply) {
        const out = await sesClient.send(new SendRawEmailCommand({ Source: from, RawMessage: { Data: Buffer.from(composeRawMail(from, mail), 'utf8') } }));
        return { messageId: out.MessageId };
      }
      const out = await sesClient.send(
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
      return { messageId: out.MessageId };
    },
  };
}
