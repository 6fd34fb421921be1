import { table } from '../format';
import type { CommandSpec } from '../types';

interface RevokeAllResult {
  user: string;
  connections: Array<{ connection: string; provider: string; revokedAtProvider: boolean }>;
}

/**
 * Connected social accounts: an emergency stop for one customer. The ops function audits first,
 * then revokes every grant at its provider (or queues the revocation when the provider is down)
 * and deletes the tokens.
 */
export const connectionCommands: CommandSpec[] = [
  {
    path: ['connections', 'revoke-all'],
    summary: 'Ends every connected social account of a customer, each revoked at its provider; needs --reason with a ticket or incident reference; audited',
    options: {
      user: { type: 'string', required: true, description: 'the customer\'s user id' },
      reason: { type: 'string', required: true, description: 'why: a ticket or incident reference, e.g. "INC-2041 account takeover"' },
    },
    run: (context, args) => context.invoke('opsConnections', 'revoke-all', { user: args.options.user, reason: args.options.reason }),
    format(result) {
      const { user, connections } = result as RevokeAllResult;
      if (connections.length === 0) return `User ${user} had no connected accounts.`;
      const rows = connections.map((c) => ({ connection: c.connection, provider: c.provider, atProvider: c.revokedAtProvider ? 'revoked' : 'queued for retry' }));
      return `${table(rows, ['connection', 'provider', 'atProvider'])}\n\n${connections.length} connection(s) of ${user} ended.`;
    },
  },
];
