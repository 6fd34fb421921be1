import type { Mail } from '../../platform/mailer';
import type { SecurityEventKind } from './model';

const WHAT: Record<SecurityEventKind, string> = {
  totp_enabled: 'An authenticator app was turned on for your HelpShelf account.',
  totp_disabled: 'The authenticator app was turned off for your HelpShelf account: a password alone signs in again.',
  recovery_code_used: 'A recovery code was used to sign in to your HelpShelf account.',
  passkey_added: 'A passkey was added to your HelpShelf account.',
  passkey_removed: 'A passkey was removed from your HelpShelf account.',
  totp_disabled_by_support: 'HelpShelf support turned off the authenticator app of your HelpShelf account, for the support request named below.',
  passkey_removed_by_support: 'HelpShelf support removed a passkey from your HelpShelf account, for the support request named below.',
};

/**
 * The mail every factor change sends its owner. Names (a passkey's) are quoted as data, never as
 * instructions. A change by support names the ticket or incident reference the engineer gave.
 */
export function factorChangeMail(to: string, kind: SecurityEventKind, at: string, websiteUrl: string, detail?: string, reference?: string): Mail {
  return {
    to,
    subject: 'A sign-in method of your HelpShelf account changed',
    text: [
      WHAT[kind],
      ...(detail ? [`Name: "${detail}"`] : []),
      ...(reference ? [`Support request: ${reference}`] : []),
      `When: ${at}`,
      '',
      `Review your sign-in methods and recent security events at ${websiteUrl}/account/security.`,
      'If this was not you, reset your password there now and reply to this mail: we will help you secure the account.',
    ].join('\n'),
  };
}
