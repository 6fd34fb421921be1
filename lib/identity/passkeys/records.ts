import { NotFoundError } from '../../platform/errors';
import type { Mailer } from '../../platform/mailer';
import type { UserRecord } from '../model';
import { factorChangeMail } from '../mfa/mails';
import type { PasskeyRecord, PasskeyStore } from './model';

/**
 * An account's passkeys as records: listed and removed. No WebAuthn here (the ceremonies are in
 * service.ts, with @simplewebauthn/server, 460 KiB of a bundle): passkeysList, passkeysDelete and
 * `customers factor-off` load this alone (records-runtime.ts).
 */
export interface PasskeyRecordDeps {
  store: PasskeyStore;
  mailer: Mailer;
  now: () => number;
  websiteUrl: string;
}

export function passkeyView(p: PasskeyRecord) {
  return { id: p.credentialId, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, backedUp: p.backedUp, deviceType: p.deviceType };
}

export function passkeyRecords(deps: PasskeyRecordDeps) {
  const { store, now } = deps;
  const iso = () => new Date(now()).toISOString();
  return {
    async list(userId: string) {
      return (await store.listPasskeys(userId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((p) => ({ id: p.credentialId, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt }));
    },

    /**
     * DELETE /v1/passkeys/{id} (recent sign-in): 404 for an id that is not the caller's.
     * `bySupport` (the ticket or incident reference): `customers factor-off`, whose event and mail
     * say support did it. The name of the passkey removed.
     */
    async remove(user: Pick<UserRecord, 'userId' | 'email'>, credentialId: string, options: { bySupport?: string } = {}): Promise<string> {
      const at = iso();
      const kind = options.bySupport ? 'passkey_removed_by_support' : 'passkey_removed';
      const removed = /^[A-Za-z0-9_-]{1,1400}$/.test(credentialId) ? await store.removePasskey(user.userId, credentialId, { at, event: kind }) : undefined;
      if (!removed) throw new NotFoundError('not_found', 'No such passkey.');
      await deps.mailer.send(factorChangeMail(user.email, kind, at, deps.websiteUrl, removed.name, options.bySupport));
      return removed.name;
    },

  };
}

export type PasskeyRecords = ReturnType<typeof passkeyRecords>;
