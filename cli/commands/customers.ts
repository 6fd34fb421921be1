import type { CustomerEraseResult } from '../../lib/access/customer-erase';
import type { CustomerFactors, RemovedFactor } from '../../lib/access/customer-factors';
import { keyValues, table } from '../format';
import type { CommandSpec } from '../types';

const REASON = {
  type: 'string',
  required: true,
  description: 'why: a ticket or incident reference, e.g. "ticket 4411", "INC-2041" (audited; the customer sees the reference)',
} as const;

function factorsText(factors: CustomerFactors): string[] {
  return [
    keyValues({ authenticatorApp: factors.authenticatorApp, recoveryCodesLeft: factors.recoveryCodesLeft }),
    '',
    'Passkeys:',
    table(factors.passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt ?? '' })), ['id', 'name', 'createdAt', 'lastUsedAt']),
  ];
}

const signInLine = (passwordAlone: boolean) =>
  passwordAlone ? 'The password alone signs this customer in (no authenticator app is on).' : 'Signing in with the password still needs the authenticator app or a recovery code.';

/**
 * A customer's second factors, for support (issue 23 "No bypass"; docs/access.md). Every rule
 * (the engineer's own grant, the reason, the audit entry first, the mail and security event) is
 * the ops function's; the CLI shapes arguments and output.
 */
export const customerCommands: CommandSpec[] = [
  {
    path: ['customers', 'factors'],
    summary: 'A customer\'s second factors (authenticator app, passkeys; never a secret); needs your own grant and --reason; audited, on the customer\'s access log',
    positionals: ['customer'],
    options: { reason: REASON },
    run: (context, args) => context.invoke('opsCustomers', 'factors', { customer: args.positionals[0], reason: args.options.reason }),
    format(result) {
      const r = result as { customer: string; factors: CustomerFactors; passwordAloneSignsIn: boolean; auditSeq: number };
      return [keyValues({ customer: r.customer }), ...factorsText(r.factors), '', signInLine(r.passwordAloneSignsIn), `Recorded in the audit log as entry ${r.auditSeq}.`].join('\n');
    },
  },
  {
    path: ['customers', 'factor-off'],
    summary:
      'Turns off a customer\'s second factor (--factor totp, passkey:ID or all): needs your own grant and --reason; audited first, on the customer\'s access log, mailed to the owner, listed as a security event',
    positionals: ['customer'],
    options: {
      factor: { type: 'string', required: true, description: '`totp` (the authenticator app and its recovery codes), `passkey:ID` (an id `customers factors` lists) or `all`' },
      reason: REASON,
    },
    run: (context, args) => context.invoke('opsCustomers', 'factor-off', { customer: args.positionals[0], factor: args.options.factor, reason: args.options.reason }),
    format(result) {
      const r = result as { customer: string; removed: RemovedFactor[]; remaining: CustomerFactors; passwordAloneSignsIn: boolean; auditSeq: number };
      return [
        keyValues({ customer: r.customer }),
        'Turned off:',
        table(r.removed.map((f) => (f.factor === 'passkey' ? { factor: 'passkey', id: f.id, name: f.name } : { factor: 'authenticator app', id: '', name: '' })), ['factor', 'id', 'name']),
        '',
        'What remains:',
        ...factorsText(r.remaining),
        '',
        signInLine(r.passwordAloneSignsIn),
        'The owner was mailed; the change is on their security events and access log.',
        `Recorded in the audit log as entry ${r.auditSeq}.`,
      ].join('\n');
    },
  },
  {
    path: ['customers', 'erase'],
    summary:
      'Deletes a customer\'s account for a request that arrived by mail: the same deletion as DELETE /v1/me (Stripe, connections, every table, the deletion ledger, the owner mailed); needs your own grant and --reason; audited first. Run it again to finish an erasure left incomplete',
    positionals: ['customer'],
    options: { reason: REASON },
    run: (context, args) => context.invoke('opsCustomers', 'erase', { customer: args.positionals[0], reason: args.options.reason }),
    format(result) {
      const r = result as CustomerEraseResult;
      const lines = [
        keyValues({ customer: r.customer, outcome: r.outcome, deletedAt: r.deletedAt ?? '(before)', erased: r.erased.join(', '), incomplete: r.incomplete.join(', ') || '(none)' }),
        '',
        r.outcome === 'deleted'
          ? 'The account is closed (every session and token revoked, the address free to sign up again), in the deletion ledger, and its data erased; the owner was mailed.'
          : 'The account was closed before; its erasure is finished now.',
      ];
      if (r.incomplete.length) lines.push(`Some parts did not finish (${r.incomplete.join(', ')}): the account stays closed and in the ledger; run the same command again (with the customer id).`);
      lines.push(`Recorded in the audit log as entry ${r.auditSeq}.`);
      return lines.join('\n');
    },
  },
];
