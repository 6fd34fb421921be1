import { optionalEnv, requireEnv } from '../../platform/config';
import { sesMailer } from '../../platform/mailer';
import { nowEpochMillis } from '../../platform/time';
import { dynamoIdentityStore } from '../dynamo-identity-store';
import { env } from '../runtime';
import type { IssuedToken } from '../tokens';
import { dynamoPasskeyStore } from './dynamo-passkey-store';
import { passkeyService, type PasskeyService } from './service';

/** The stage's relying party: PASSKEY_RP_ID and PASSKEY_ORIGIN (local: localhost, http://localhost:<PORT>). */
const rp = { id: requireEnv('PASSKEY_RP_ID'), origin: requireEnv('PASSKEY_ORIGIN'), name: 'HelpShelf' };
const websiteUrl = optionalEnv('WEBSITE_URL', 'https://helpshelf.com');

const built = new Map<unknown, PasskeyService>();

/**
 * The passkey flows. Only the sign-in function passes `signIn` (the account flows' session
 * issuing); the others never issue a session.
 */
export function passkeys(signIn: (userId: string, email: string, ip: string) => Promise<IssuedToken> = NO_SIGN_IN): PasskeyService {
  let service = built.get(signIn);
  if (!service) {
    const identity = dynamoIdentityStore({ accounts: env.accountsTable, tokens: env.tokensTable });
    service = passkeyService({ store: dynamoPasskeyStore(env.accountsTable), getUser: (id) => identity.getUser(id), signIn, mailer: sesMailer(), now: nowEpochMillis, rp, websiteUrl });
    built.set(signIn, service);
  }
  return service;
}

function NO_SIGN_IN(): Promise<IssuedToken> {
  return Promise.reject(new Error('This function does not sign in'));
}
