import { optionalEnv } from '../../platform/config';
import type { Mailer } from '../../platform/mailer';
import { nowEpochMillis } from '../../platform/time';
import { env, NO_MAIL } from '../runtime';
import { dynamoPasskeyStore } from './dynamo-passkey-store';
import { passkeyRecords, type PasskeyRecords } from './records';

const websiteUrl = optionalEnv('WEBSITE_URL', 'https://helpshelf.com');
const built = new Map<Mailer, PasskeyRecords>();

/**
 * An account's passkeys as records (list, remove), without WebAuthn: for passkeysList,
 * passkeysDelete and `customers factor-off`. Those that remove pass `identityMailer()` (their role
 * allows `ses:SendEmail`): the owner is told.
 */
export function passkeyRecordsRuntime(wiring: { mailer?: Mailer } = {}): PasskeyRecords {
  const mailer = wiring.mailer ?? NO_MAIL;
  let records = built.get(mailer);
  if (!records) {
    records = passkeyRecords({ store: dynamoPasskeyStore(env.accountsTable), mailer, now: nowEpochMillis, websiteUrl });
    built.set(mailer, records);
  }
  return records;
}
