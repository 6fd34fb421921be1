import type { Mail } from '../platform/mailer';
import type { Incident, MessageAttachment } from './model';

/**
 * The incident emails, plain text only (the mailer sends no HTML part), so whatever a reporter
 * typed is shown as typed and never rendered. Subjects carry only our own words and the id:
 * nothing a reporter typed reaches a header.
 */
export interface MailContext {
  publicBaseUrl: string;
}

/** The status page; the token is typed there, never put in a URL (URLs end up in logs and histories). */
export const trackingLink = (ctx: MailContext, id: string) => `${ctx.publicBaseUrl}/security/report/status?id=${encodeURIComponent(id)}`;

const statusHelp = (ctx: MailContext, id: string) =>
  [
    'To check the status of your report at any time, open',
    '',
    `  ${trackingLink(ctx, id)}`,
    '',
    'and enter your tracking token, or:',
    '',
    `  curl -H "X-Tracking-Token: <your tracking token>" ${ctx.publicBaseUrl}/v1/incidents/${id}`,
  ].join('\n');

export function receiptMail(ctx: MailContext, incident: Incident, trackingToken: string): Mail {
  return {
    to: incident.email,
    subject: `We received your report ${incident.id}`,
    text: [
      'Thank you for your report. It has reached our team.',
      '',
      `Report id:        ${incident.id}`,
      `Tracking token:   ${trackingToken}`,
      `Acknowledged by:  ${incident.acknowledgeBy} at the latest`,
      '',
      'Keep the tracking token private: anyone holding it can see the status of this report.',
      '',
      statusHelp(ctx, incident.id),
      '',
      'A point of contact will be assigned and will keep you updated. Details may not be disclosed',
      'until the investigation is complete; once the issue is resolved we publish an advisory',
      'with thanks and credit, if you asked for it.',
    ].join('\n'),
  };
}

const attachmentLine = (a: MessageAttachment) => `  - ${a.name} (${a.contentType}, ${a.size} bytes)${a.dropped ? `: dropped (${a.dropped})` : ''}`;

export function teamAlertMail(to: string, incident: Incident, mailed?: { problems: string[]; attachments: MessageAttachment[] }): Mail {
  const fromMail = mailed
    ? [
        '',
        `Arrived by mail to the security address${incident.email ? '' : ' from no single sender'}.`,
        ...(incident.flags?.length ? [`Flags:     ${incident.flags.join(', ')}`] : []),
        ...((incident.flags ?? []).includes('unverified_sender') ? ['The sender failed the receipt checks: nothing was mailed to the address it claims.'] : []),
        ...(mailed.problems.length ? [`Problems:  ${mailed.problems.join('; ')} (the raw message is kept: ${incident.rawMessageKey})`] : []),
        ...(mailed.attachments.length ? ['Attachments:', ...mailed.attachments.map(attachmentLine)] : []),
      ]
    : [];
  return {
    to,
    subject: `New ${incident.scope} report ${incident.id}`,
    text: [
      `A new ${incident.scope} report arrived. Acknowledge it by ${incident.acknowledgeBy}.`,
      '',
      `Id:        ${incident.id}`,
      `Scope:     ${incident.scope}`,
      `Received:  ${incident.createdAt}`,
      `Reporter:  ${incident.email}`,
      `Summary:   ${incident.summary}`,
      ...fromMail,
      '',
      'The details stay in the incidents table; read them with:',
      `  npm run ops -- incidents show ${incident.id}`,
      'and acknowledge with:',
      `  npm run ops -- incidents ack ${incident.id} --contact NAME`,
    ].join('\n'),
  };
}

export function acknowledgedMail(ctx: MailContext, incident: Incident, contact: string): Mail {
  return {
    to: incident.email,
    subject: `Your report ${incident.id} has been acknowledged`,
    text: [
      `Your report ${incident.id} has been acknowledged.`,
      '',
      `Your point of contact is ${contact}. They are responsible for keeping track of the issue and`,
      'for keeping you updated.',
      '',
      statusHelp(ctx, incident.id),
    ].join('\n'),
  };
}

export function publicUpdateMail(ctx: MailContext, incident: Incident, message: string): Mail {
  return {
    to: incident.email,
    subject: `Update on your report ${incident.id}`,
    text: [`An update on your report ${incident.id}:`, '', message, '', statusHelp(ctx, incident.id)].join('\n'),
  };
}

export function publishedMail(ctx: MailContext, incident: Incident, title: string, credited: boolean): Mail {
  return {
    to: incident.email,
    subject: `The advisory for your report ${incident.id} is published`,
    text: [
      `The advisory for your report ${incident.id} is now public:`,
      '',
      `  ${title}`,
      `  ${ctx.publicBaseUrl}/v1/security/advisories`,
      '',
      credited ? 'Thank you: you are credited as you asked.' : 'Thank you for your report.',
    ].join('\n'),
  };
}

export function escalationMail(to: string, incident: Incident): Mail {
  return {
    to,
    subject: `Escalation: report ${incident.id} was not acknowledged in time`,
    text: [
      `The ${incident.scope} report ${incident.id} was due to be acknowledged by ${incident.acknowledgeBy} and still is not.`,
      '',
      `Received:  ${incident.createdAt}`,
      `Summary:   ${incident.summary}`,
      '',
      `  npm run ops -- incidents show ${incident.id}`,
      `  npm run ops -- incidents ack ${incident.id} --contact NAME`,
    ].join('\n'),
  };
}

export function reminderMail(to: string, incident: Incident, businessDays: number): Mail {
  return {
    to,
    subject: `Reminder: the reporter of ${incident.id} has had no update`,
    text: [
      `${incident.contact ?? 'Point of contact'}: the reporter of ${incident.id} (${incident.status}) has had no public update`,
      `for ${businessDays} business days (last one ${incident.lastReporterUpdateAt ?? incident.acknowledgedAt}).`,
      '',
      `  npm run ops -- incidents update ${incident.id} --message TEXT --public`,
    ].join('\n'),
  };
}

export function reporterMessageMail(to: string, incident: Incident, attachments: MessageAttachment[], flags: string[]): Mail {
  return {
    to,
    subject: `The reporter of ${incident.id} wrote again`,
    text: [
      `The reporter of ${incident.id} (${incident.status}) sent a further message${attachments.length ? ` with ${attachments.length} attachment(s)` : ''}.`,
      ...(flags.length ? [`Flags: ${flags.join(', ')}`] : []),
      ...(attachments.length ? ['', 'Attachments:', ...attachments.map(attachmentLine)] : []),
      '',
      'Read it with:',
      `  npm run ops -- incidents show ${incident.id}`,
    ].join('\n'),
  };
}
