import { sesMailer, type Mailer } from '../platform/mailer';

/**
 * The identity mails (verification links, unlock codes, reset links, factor changes) through SES.
 * Only the functions whose IAM role allows `ses:SendEmail` import this module and pass its mailer
 * to the account or passkey flows; the others pass nothing, and the SES client stays out of their
 * bundle and their cold start (issue 26).
 */
let mailer: Mailer | undefined;

export function identityMailer(): Mailer {
  mailer ??= sesMailer();
  return mailer;
}
