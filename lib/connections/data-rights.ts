import type { DataRightsPart } from '../data-rights/part';
import type { ConnectionsService } from './service';

/**
 * Connections' part of a customer's data rights: the connected social accounts (provider, account,
 * scopes, status, times; never a token). Erasing revokes every grant at its provider and deletes
 * the rows, each audited; a grant the provider does not confirm goes to the revocation queue,
 * which keeps trying (the same path as the customer's own Disconnect).
 */
export type ConnectionsForDataRights = Pick<ConnectionsService, 'list' | 'revokeAll'>;

export function connectionsDataRights(connections: () => ConnectionsForDataRights): DataRightsPart {
  return {
    name: 'connections',
    covers: {
      // A connection row, and a connect flow begun but not finished (10 minutes, TTL).
      connections: (item) => (typeof item.sk === 'string' && item.sk.startsWith('CONN#')) || (typeof item.pk === 'string' && item.pk.startsWith('CONNECT#')),
    },
    async export(subject) {
      return { connections: await connections().list(subject.userId) };
    },
    async erase(subject, context) {
      await connections().revokeAll(subject.userId, context);
    },
  };
}
