import { optionalEnv, requireEnv } from '../../platform/config';
import type { Mailer } from '../../platform/mailer';
import { nowEpochMillis } from '../../platform/time';
import { dynamoIdentityStore } from '../dynamo-identity-store';
import { env, NO_MAIL } from '../runtime';
import type { IssuedToken } from '../tokens';
import { dynamoPasskeyStore } from './dynamo-passkey-store';
import { passkeyService, type PasskeyService } from './service';

/** The stage's relying party: PASSKEY_RP_ID and PASSKEY_ORIGIN (local: localhost, http://localhost:<PORT>). */
const rp = { id: requireEnv('PASSKEY_RP_ID'), origin: requireEnv('PASSKEY_ORIGIN'), name: 'HelpShelf' };
const websiteUrl = optionalEnv('WEBSITE_URL', 'https://helpshelf.com');

const built: Array<{ signIn: SignIn; mailer: Mailer; service: PasskeyService }> = [];
type SignIn = (userId: string, email: string, ip: string) => Promise<IssuedToken>;

/**
 * The passkey flows. Only the sign-in function passes `signIn` (the account flows' session
 * issuing); the others never issue a session. Only the functions that add or remove a passkey
 * (their role allows `ses:SendEmail`) pass `identityMailer()` from ../mail-runtime: the owner is
 * told of the change; the others leave the SES client out of their bundle.
 */
export function passkeys(wiring: { signIn?: SignIn; mailer?: Mailer } = {}): PasskeyService {
  const signIn = wiring.signIn ?? NO_SIGN_IN;
  const mailer = wiring.mailer ?? NO_MAIL;
  let entry = built.find((b) => b.signIn === signIn && b.mailer === mailer);
  if (!entry) {
    const identity = dynamoIdentityStore({ accounts: env.accountsTable, tokens: env.tokensTable });
    const service = passkeyService({ store: dynamoPasskeyStore(env.accountsTable), getUser: (id) => identity.getUser(id), signIn, mailer, now: nowEpochMillis, rp, websiteUrl });
    entry = { signIn, mailer, service };
    built.push(entry);
  }
  return entry.service;
}

function NO_SIGN_IN(): Promise<IssuedToken> {
  return Promise.reject(new Error('This function does not sign in'));
}
