import { queryItems } from '../platform/aws/dynamodb';
import type { DataRightsPart } from '../data-rights/part';

/**
 * The sign-in factors' part of a customer's data rights: passkeys (name, kind, times; never the
 * public key or credential id, which only an authenticator uses), whether the authenticator app is
 * on (never its secret or recovery codes), and the account's security events. They live in the
 * account's partition of the accounts table, which identity's erase removes whole; a passkey
 * challenge left unused (`PKCHAL#`, five minutes) only expires.
 */
export function factorsDataRights(tables: { accounts: string }): DataRightsPart {
  return {
    name: 'factors',
    covers: {
      accounts: (item) =>
        (typeof item.sk === 'string' && (item.sk.startsWith('PASSKEY#') || item.sk === 'MFA#TOTP' || item.sk.startsWith('SECEVENT#'))) ||
        (typeof item.pk === 'string' && item.pk.startsWith('PKCHAL#')),
    },
    async export(subject) {
      const passkeys = [];
      const securityEvents = [];
      let authenticatorApp: { enabled: boolean; since: string | null } = { enabled: false, since: null };
      for await (const item of queryItems({
        TableName: tables.accounts,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `USER#${subject.userId}` },
        ConsistentRead: true,
      })) {
        const sk = String(item.sk);
        if (sk.startsWith('PASSKEY#')) {
          passkeys.push({ name: item.name ?? null, createdAt: item.createdAt ?? null, lastUsedAt: item.lastUsedAt ?? null, synced: item.deviceType === 'multiDevice', backedUp: item.backedUp === true });
        } else if (sk === 'MFA#TOTP' && item.status === 'active') {
          authenticatorApp = { enabled: true, since: typeof item.createdAtMs === 'number' ? new Date(item.createdAtMs).toISOString() : null };
        } else if (sk.startsWith('SECEVENT#')) {
          securityEvents.push({ at: item.at, event: item.event, ...(item.detail !== undefined ? { detail: item.detail } : {}) });
        }
      }
      return { passkeys, authenticatorApp, securityEvents };
    },
    // Identity's erase removes the account's partition, these items with it.
    async erase() {},
  };
}
