import type { Mail } from '../platform/mailer';

/**
 * The identity emails, plain text. Tokens appear only here, never in a log line, and only in a
 * link's fragment (`#token=…`), which browsers never send to a server. Every link points at the
 * account pages (docs/pages.md) on `websiteUrl`, the stage's own origin (WEBSITE_URL: the local
 * stage's follows its PORT).
 */
export function identityMails(websiteUrl: string) {
  const hours = (ms: number) => Math.round(ms / 3_600_000);
  const minutes = (ms: number) => Math.round(ms / 60_000);
  return {
    verification(to: string, token: string, lifetimeMs: number): Mail {
      return {
        to,
        subject: 'Confirm your HelpShelf email address',
        text: [
          'Welcome to HelpShelf.',
          '',
          'Confirm your email address by opening this link:',
          `${websiteUrl}/account/verify-email#token=${token}`,
          '',
          `or by sending this verification token to POST /v1/signup/verify: ${token}`,
          '',
          `The link works once and expires in ${hours(lifetimeMs)} hours. If you did not sign up, ignore this email.`,
        ].join('\n'),
      };
    },
    signupAttempt(to: string): Mail {
      return {
        to,
        subject: 'Someone tried to sign up to HelpShelf with your address',
        text: [
          'Someone (perhaps you) just tried to create a HelpShelf account with this email address, which already has one.',
          '',
          `If it was you, sign in at ${websiteUrl}/account/security, or reset your password at ${websiteUrl}/account/reset-password if you have forgotten it.`,
          'If it was not you, nothing has changed and you can ignore this email.',
        ].join('\n'),
      };
    },
    reset(to: string, token: string, lifetimeMs: number): Mail {
      return {
        to,
        subject: 'Reset your HelpShelf password',
        text: [
          'Someone (hopefully you) asked to reset the password of your HelpShelf account.',
          '',
          'Choose a new password by opening this link:',
          `${websiteUrl}/account/reset-password#token=${token}`,
          '',
          `or by sending this reset token with your new password to POST /v1/password/reset: ${token}`,
          '',
          `The link works once and expires in ${minutes(lifetimeMs)} minutes. Resetting signs out every session and revokes every access token.`,
          'If you did not ask for this, ignore this email: your password stays as it is.',
        ].join('\n'),
      };
    },
    unlock(to: string, code: string, lifetimeMs: number): Mail {
      return {
        to,
        subject: 'Your HelpShelf sign-in code',
        text: [
          `Your one-time sign-in code is ${code}`,
          '',
          'Enter it with your password to sign in even while sign-in attempts to your account are being held back.',
          `It works once and expires in ${minutes(lifetimeMs)} minutes. If you did not ask for it, ignore this email: your password is unchanged.`,
        ].join('\n'),
      };
    },
    unlockForUnknownAddress(to: string): Mail {
      return {
        to,
        subject: 'Your HelpShelf sign-in code',
        text: [
          'Someone asked for a HelpShelf sign-in code for this email address, but no HelpShelf account uses it.',
          '',
          'If you did not ask for this, ignore this email.',
        ].join('\n'),
      };
    },
    resetForUnknownAddress(to: string): Mail {
      return {
        to,
        subject: 'HelpShelf password reset',
        text: [
          'Someone asked to reset the HelpShelf password of this email address, but no HelpShelf account uses it.',
          '',
          `If you expected an account, you may have signed up with another address. You can create one at ${websiteUrl}/account/signup.`,
          'If you did not ask for this, ignore this email.',
        ].join('\n'),
      };
    },
  };
}
