import { randomBytes } from 'node:crypto';
import { referenceOf } from './reason';

/**
 * The customer's access log (issue 24, part 3; GET /v1/me/access-log, /account/security): every
 * engineer read of their record, every emergency grant naming them, every second factor an
 * engineer turned off (`customers factor-off`), and every restore or restore drill of a table
 * holding their data — one entry per operation, newest first. Each item is written in the same
 * transaction as the operation's audit entry (so it exists exactly when the entry does), and is
 * kept as long as the audit log (no TTL).
 *
 * What a customer sees names no person and nothing about another customer: the time, the action,
 * the ticket or incident reference alone (not the engineer's free text), and a team role.
 */
export type AccessLogKind = 'record-read' | 'emergency-access' | 'restore' | 'restore-drill' | 'factor-removed';

/** Where an item lives: one customer's own entries, or operations that touched every customer's data. */
export type AccessLogScope = { customerId: string } | { everyone: true };

export interface AccessLogItem {
  /** `customer:<id>` or `everyone`. */
  scope: string;
  /** ISO time; with `id`, the item's sort key. */
  at: string;
  id: string;
  kind: AccessLogKind;
  reference: string | null;
  /** Engineer, BreakGlass, or Automated (scheduled jobs). */
  role: 'Engineer' | 'BreakGlass' | 'Automated';
  emergency: boolean;
  /** Restores and drills: which table (a logical name such as `accounts`). */
  table?: string;
}

/** The tables (logical names, sls/backup-tables.js) that hold customers' data: a restore or drill of one is on every customer's log. */
export const CUSTOMER_DATA_TABLES: ReadonlySet<string> = new Set(['accounts', 'tokens', 'billing', 'connections', 'incidents', 'audit', 'access']);

export function accessLogItem(input: {
  customerId?: string;
  at: string;
  kind: AccessLogKind;
  reason?: string | null;
  role: AccessLogItem['role'];
  table?: string;
}): AccessLogItem {
  return {
    scope: input.customerId ? `customer:${input.customerId}` : 'everyone',
    at: input.at,
    id: randomBytes(8).toString('hex'),
    kind: input.kind,
    reference: referenceOf(input.reason),
    role: input.role,
    emergency: input.kind === 'emergency-access',
    ...(input.table ? { table: input.table } : {}),
  };
}

const ACTIONS: Record<AccessLogKind, string> = {
  'record-read': 'An engineer viewed your account record',
  'emergency-access': 'Emergency access to your account was granted without a second approval',
  restore: 'A table holding your data was restored from backup',
  'restore-drill': 'A restore drill copied a table holding your data and compared it',
  'factor-removed': 'An engineer turned off a sign-in method of your account, at a support request',
};
const ROLES: Record<AccessLogItem['role'], string> = { Engineer: 'Engineering', BreakGlass: 'Engineering (break-glass)', Automated: 'Automated job' };

export interface AccessLogEntry {
  at: string;
  kind: AccessLogKind;
  action: string;
  reference: string | null;
  role: string;
  emergency: boolean;
}

export function accessLogEntry(item: AccessLogItem): AccessLogEntry {
  return { at: item.at, kind: item.kind, action: ACTIONS[item.kind], reference: item.reference, role: ROLES[item.role], emergency: item.emergency };
}

export interface AccessLogSource {
  /** A scope's items at or after `sinceIso`, newest first, at most `limit`. */
  items(scope: string, options: { sinceIso?: string; limit: number }): Promise<AccessLogItem[]>;
}

export const ACCESS_LOG_LIMIT = 200;

/**
 * One customer's access log, newest first: their own entries and the every-customer operations
 * since their account was created (a restore before they signed up held none of their data).
 * A small read the data export (issue 25) can call too.
 */
export async function readAccessLog(source: AccessLogSource, customer: { id: string; createdAt?: string | null }, limit = ACCESS_LOG_LIMIT): Promise<AccessLogEntry[]> {
  const [own, everyone] = await Promise.all([
    source.items(`customer:${customer.id}`, { limit }),
    source.items('everyone', { sinceIso: customer.createdAt ?? undefined, limit }),
  ]);
  return [...own, ...everyone]
    .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
    .slice(0, limit)
    .map(accessLogEntry);
}
