import type { AuditListing } from '../../lib/access/audit-report';
import type { CustomerRecord } from '../../lib/access/customer-record';
import type { GrantView } from '../../lib/access/grants';
import type { Insights } from '../../lib/access/insights';
import { keyValues, table } from '../format';
import { EXIT, type CommandSpec } from '../types';

/** Exit status of `audit list` when the chain is broken: the listing worked, the log did not. */
export const CHAIN_BROKEN_EXIT = EXIT.integrity;

/**
 * Employee access: one customer's record for a stated reason (audited), the audit log with its
 * chain verified, and aggregate insights. The ops functions enforce every rule; the CLI only
 * shapes arguments and output.
 */
export const accessCommands: CommandSpec[] = [
  {
    path: ['customers', 'show'],
    summary: 'One customer\'s record by id or email; needs --reason with a ticket or incident reference (ticket 4411, INC-2041, #1234); every use is audited',
    positionals: ['customer'],
    options: {
      reason: {
        type: 'string',
        required: true,
        description: 'why: a ticket or incident reference, e.g. "ticket 4411", "INC-2041", "incident inc_…", "#1234"',
      },
    },
    run: (context, args) => context.invoke('opsCustomers', 'show', { customer: args.positionals[0], reason: args.options.reason }),
    format(result) {
      const { customer, auditSeq } = result as { customer: CustomerRecord; auditSeq: number };
      const { billing, ...rest } = customer;
      return [
        keyValues({ ...rest, billing: billing ? '' : '(not linked)' }),
        ...(billing ? Object.entries(billing).map(([k, v]) => `  ${k.padEnd(15)} ${v ?? ''}`) : []),
        '',
        `Recorded in the audit log as entry ${auditSeq}.`,
      ].join('\n');
    },
  },
  {
    path: ['access', 'request'],
    summary: 'Ask for access to one customer\'s record (needs another engineer\'s approval; --emergency: in force at once, the security team is alerted)',
    options: {
      customer: { type: 'string', required: true, description: 'the customer: an id (usr_…) or an email address' },
      reason: { type: 'string', required: true, description: 'why: a ticket or incident reference, as for customers show' },
      minutes: { type: 'string', description: 'how long once approved, 1–240 (default 60)' },
      emergency: { type: 'boolean', description: 'in force at once without approval; mails the security team and is flagged on the customer\'s access log' },
    },
    run: (context, args) =>
      context.invoke('opsAccess', 'request', { customer: args.options.customer, reason: args.options.reason, minutes: args.options.minutes, emergency: args.options.emergency === true }),
    format(result) {
      const grant = result as GrantView & { alerted: boolean | null; auditSeq: number };
      const { alerted, auditSeq, ...view } = grant;
      const next = grant.emergency
        ? alerted
          ? 'Emergency grant in force now; the security team has been mailed.'
          : 'Emergency grant in force now, but the alert mail to the security team FAILED: tell them yourself.'
        : `Pending: another engineer approves it with \`access approve ${grant.grant}\`.`;
      return [keyValues(view), '', next, `Recorded in the audit log as entry ${auditSeq}.`].join('\n');
    },
  },
  {
    path: ['access', 'approve'],
    summary: 'Approve another engineer\'s pending grant (never your own); it is in force from now for its minutes',
    positionals: ['grant'],
    run: (context, args) => context.invoke('opsAccess', 'approve', { grant: args.positionals[0] }),
    format(result) {
      const { auditSeq, ...view } = result as GrantView & { auditSeq: number };
      return [keyValues(view), '', `Recorded in the audit log as entry ${auditSeq}.`].join('\n');
    },
  },
  {
    path: ['access', 'grants'],
    summary: 'Grants, newest first (--active: only those in force now)',
    options: { active: { type: 'boolean', description: 'only grants in force now' } },
    run: (context, args) => context.invoke('opsAccess', 'list', { active: args.options.active === true }),
    format(result) {
      const rows = (result as GrantView[]).map((g) => ({
        grant: g.grant,
        customer: g.customer,
        requester: g.requester,
        approver: g.approver ?? (g.emergency ? '(emergency)' : ''),
        status: g.status,
        expiresAt: g.expiresAt,
        reason: g.reason,
      }));
      return table(rows, ['grant', 'customer', 'requester', 'approver', 'status', 'expiresAt', 'reason']);
    },
  },
  {
    path: ['audit', 'list'],
    summary: `The access audit log, with the whole hash chain verified (exit status ${CHAIN_BROKEN_EXIT} when it is broken)`,
    options: { since: { type: 'string', description: 'only entries at or after this ISO 8601 time, e.g. 2026-11-01T00:00:00Z' } },
    run: (context, args) => context.invoke('opsAudit', 'list', { since: args.options.since }),
    format(result) {
      const listing = result as AuditListing;
      const { chain } = listing;
      const status = chain.intact
        ? `Chain: intact (${chain.entries} ${chain.entries === 1 ? 'entry' : 'entries'} verified)`
        : `Chain: BROKEN at entry ${chain.firstBreak!.seq} (${chain.firstBreak!.problem}): ${chain.firstBreak!.detail}`;
      const rows = listing.entries.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, reason: e.reason ?? '' }));
      return `${status}\n\n${table(rows, ['seq', 'at', 'actor', 'action', 'subject', 'reason'])}`;
    },
    exitCode: (result) => ((result as AuditListing).chain.intact ? 0 : CHAIN_BROKEN_EXIT),
  },
  {
    path: ['insights'],
    summary: 'Aggregates only: signups per week, verified accounts, active subscriptions by plan, incidents by status, median time to acknowledge (counts under 5 shown as "<5")',
    options: { weeks: { type: 'string', description: 'how many weeks of signups, 1–104 (default 12)' } },
    run: (context, args) => context.invoke('opsInsights', 'summary', { weeks: args.options.weeks }),
    format(result) {
      const r = result as Insights;
      const plans = Object.entries(r.activeSubscriptionsByPlan);
      const statuses = Object.entries(r.incidents.byStatus);
      return [
        `Insights at ${r.generatedAt} (counts under 5 shown as "<5")`,
        '',
        `Accounts: ${r.accounts.total}, verified: ${r.accounts.verified}`,
        '',
        'Signups per week:',
        table(r.signupsPerWeek.map((w) => ({ week: w.weekStarting, signups: w.signups }))),
        '',
        'Active subscriptions by plan:',
        plans.length ? table(plans.map(([plan, count]) => ({ plan, count }))) : '(none)',
        '',
        `Incidents: ${r.incidents.total}, acknowledged: ${r.incidents.acknowledged}, median time to acknowledge: ${
          r.incidents.medianHoursToAcknowledge === null ? 'withheld (fewer than 5 acknowledged)' : `${r.incidents.medianHoursToAcknowledge} h`
        }`,
        statuses.length ? table(statuses.map(([status, count]) => ({ status, count }))) : '(none)',
      ].join('\n');
    },
  },
];
