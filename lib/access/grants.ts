import { randomBytes } from 'node:crypto';
import { AlongsideWriteRefusedError, type AuditEntry, type AuditEvent } from '../audit/audit-log';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors';
import type { Mailer } from '../platform/mailer';
import { accessLogItem, type AccessLogItem } from './access-log';
import { requireAccessReason } from './reason';

/**
 * Grants (issue 24, docs/access.md "Grants"): an engineer may read one customer's record only with
 * their own active grant for that customer. A grant is requested with a reason and a duration (at
 * most 240 minutes), and is in force once a second engineer approves it; `--emergency` is in force
 * at once, alerts the security team and is flagged on the customer's access log. Every request,
 * approval, use, refusal and expiry is an audit entry; each state change commits in the same
 * DynamoDB transaction as its entry (one conditional write decides a race: two approvals, or an
 * approval and the expiry).
 */
export const MAX_GRANT_MINUTES = 240;
export const DEFAULT_GRANT_MINUTES = 60;
/** A request nobody approved lapses after this long. */
export const REQUEST_WINDOW_MINUTES = 60;

export type GrantStatus = 'pending' | 'active' | 'expired';
export type TeamRole = 'Engineer' | 'BreakGlass';

export interface Grant {
  grantId: string;
  customerId: string;
  requester: string;
  requesterRole: TeamRole;
  reason: string;
  minutes: number;
  emergency: boolean;
  status: GrantStatus;
  requestedAt: string;
  /** Pending: when the request lapses. Active: when access ends. Epoch milliseconds. */
  expiresAtMs: number;
  approver?: string;
  approvedAt?: string;
  /** Set, once, by the write that audits the expiry. */
  expiryAudited?: boolean;
}

/** The write of a grant change that rides in the audit entry's transaction (the store's own terms). */
export type GrantWrite = unknown;

export interface GrantStore {
  byId(grantId: string): Promise<Grant | undefined>;
  /** Every grant for one customer, read strongly consistently. */
  forCustomer(customerId: string): Promise<Grant[]>;
  /** Grants requested at or after `sinceMs`, newest first (all when undefined). */
  list(sinceMs?: number): Promise<Grant[]>;
  create(grant: Grant): GrantWrite;
  /** Pending, not lapsed, not the requester's own: active from `nowMs` to `expiresAtMs`. */
  approve(grant: Grant, approver: string, nowMs: number, approvedAt: string, expiresAtMs: number): GrantWrite;
  /** Lapsed at `nowMs` and its expiry not yet audited. */
  expire(grant: Grant, nowMs: number): GrantWrite;
  /** An entry of the customer's access log (access-log.ts). */
  log(item: AccessLogItem): GrantWrite;
}

export type AuditWithWrites = (event: AuditEvent, alongside?: GrantWrite[]) => Promise<AuditEntry>;

export interface GrantDeps {
  store: GrantStore;
  audit: AuditWithWrites;
  mailer: Mailer;
  securityTeamEmail: string;
  now: () => number;
  /** The stage, named in the emergency alert. */
  stage: string;
}

export interface Engineer {
  /** The audit log's actor (the IAM ARN deployed, `local:<name>` locally). */
  actorId: string;
  /** The engineer's name: the verified role session name, HELPSHELF_ENGINEER locally. */
  name: string;
  role: TeamRole;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function newGrantId(nowMs: number): string {
  // Time first, so the ids sort by request time (the listing index); then 80 random bits.
  return `gr_${nowMs.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`;
}

export const GRANT_ID = /^gr_[0-9a-z]{9}[0-9a-f]{20}$/;

/** The grant's state at `nowMs`: a lapsed pending or active grant is expired whatever is stored. */
export function effectiveStatus(grant: Grant, nowMs: number): GrantStatus {
  return grant.status === 'expired' || nowMs >= grant.expiresAtMs ? 'expired' : grant.status;
}

/** What an engineer or the customer's page may see of a grant (the reason is the engineer's; ops only). */
export function grantView(grant: Grant, nowMs: number) {
  return {
    grant: grant.grantId,
    customer: grant.customerId,
    requester: grant.requester,
    approver: grant.approver ?? null,
    status: effectiveStatus(grant, nowMs),
    emergency: grant.emergency,
    minutes: grant.minutes,
    reason: grant.reason,
    requestedAt: grant.requestedAt,
    approvedAt: grant.approvedAt ?? null,
    expiresAt: iso(grant.expiresAtMs),
  };
}
export type GrantView = ReturnType<typeof grantView>;

const actor = (engineer: Engineer) => engineer.actorId;

/** `access request`: pending until a second engineer approves; `emergency`: in force now, security team alerted. */
export async function requestGrant(
  deps: GrantDeps,
  engineer: Engineer,
  input: { customerId: string; reason: unknown; minutes: number; emergency: boolean },
): Promise<GrantView & { alerted: boolean | null; auditSeq: number }> {
  const reason = requireAccessReason(input.reason);
  const nowMs = deps.now();
  const grant: Grant = {
    grantId: newGrantId(nowMs),
    customerId: input.customerId,
    requester: engineer.name,
    requesterRole: engineer.role,
    reason,
    minutes: input.minutes,
    emergency: input.emergency,
    status: input.emergency ? 'active' : 'pending',
    requestedAt: iso(nowMs),
    expiresAtMs: nowMs + (input.emergency ? input.minutes : REQUEST_WINDOW_MINUTES) * 60_000,
  };
  const writes = [deps.store.create(grant)];
  if (grant.emergency) writes.push(deps.store.log(accessLogItem({ customerId: grant.customerId, at: grant.requestedAt, kind: 'emergency-access', reason, role: engineer.role })));
  const entry = await deps.audit(
    {
      actor: actor(engineer),
      action: grant.emergency ? 'access.emergency' : 'access.request',
      subject: grant.customerId,
      reason,
      details: { grant: grant.grantId, minutes: grant.minutes, emergency: grant.emergency },
    },
    writes,
  );
  let alerted: boolean | null = null;
  if (grant.emergency) alerted = await alertSecurityTeam(deps, grant, engineer);
  return { ...grantView(grant, nowMs), alerted, auditSeq: entry.seq };
}

async function alertSecurityTeam(deps: GrantDeps, grant: Grant, engineer: Engineer): Promise<boolean> {
  try {
    await deps.mailer.send({
      to: deps.securityTeamEmail,
      subject: `[HelpShelf ${deps.stage}] Emergency access to customer ${grant.customerId}`,
      text: [
        `${engineer.name} (${engineer.role}) took emergency access to customer ${grant.customerId} without a second engineer's approval.`,
        '',
        `Grant: ${grant.grantId}`,
        `Reason: ${grant.reason}`,
        `In force until: ${iso(grant.expiresAtMs)} (${grant.minutes} minutes)`,
        '',
        'Review it in the audit log (npm run ops -- audit list) and with the engineer. The customer sees it on their access log.',
      ].join('\n'),
    });
    return true;
  } catch {
    // The grant and its audit entry stand (the access is recorded either way); the CLI says the alert failed.
    return false;
  }
}

async function refuse(deps: GrantDeps, engineer: Engineer, subject: string, reason: string | undefined, details: Record<string, string | number | boolean | null>, error: Error): Promise<never> {
  await deps.audit({ actor: actor(engineer), action: 'access.refused', subject, reason, details });
  throw error;
}

/** `access approve GRANT`: a second engineer puts a pending request in force, from now for its minutes. */
export async function approveGrant(deps: GrantDeps, engineer: Engineer, grantId: string): Promise<GrantView & { auditSeq: number }> {
  const grant = await deps.store.byId(grantId);
  if (!grant) throw new NotFoundError('grant_not_found', `No grant ${grantId}.`);
  const nowMs = deps.now();
  const refusal = (code: string, error: Error) => refuse(deps, engineer, grant.customerId, grant.reason, { grant: grant.grantId, operation: 'access.approve', refusal: code }, error);
  if (grant.requester === engineer.name) {
    return refusal('self_approval', new ForbiddenError('self_approval', 'A grant must be approved by another engineer than the one who requested it.'));
  }
  await expireIfLapsed(deps, grant, nowMs);
  const state = effectiveStatus(grant, nowMs);
  if (state !== 'pending') return refusal(`grant_${state}`, new ConflictError(`grant_${state}`, `Grant ${grant.grantId} is ${state}, not pending.`));
  const approvedAt = iso(nowMs);
  const expiresAtMs = nowMs + grant.minutes * 60_000;
  let entry: AuditEntry;
  try {
    entry = await deps.audit(
      { actor: actor(engineer), action: 'access.approve', subject: grant.customerId, reason: grant.reason, details: { grant: grant.grantId, requester: grant.requester, minutes: grant.minutes } },
      [deps.store.approve(grant, engineer.name, nowMs, approvedAt, expiresAtMs)],
    );
  } catch (error) {
    if (!(error instanceof AlongsideWriteRefusedError)) throw error;
    // Another approval, or the expiry, committed first: one conditional write decided.
    const now = await deps.store.byId(grantId);
    const code = now && effectiveStatus(now, deps.now()) === 'active' ? 'grant_active' : 'grant_expired';
    return refusal(code, new ConflictError(code, `Grant ${grant.grantId} is no longer pending (${code === 'grant_active' ? 'already approved' : 'expired'}).`));
  }
  return { ...grantView({ ...grant, status: 'active', approver: engineer.name, approvedAt, expiresAtMs }, nowMs), auditSeq: entry.seq };
}

/** Audits the expiry of a lapsed grant once (whoever notices first: a use, an approval, a listing, the sweep). */
async function expireIfLapsed(deps: GrantDeps, grant: Grant, nowMs: number, auditActor = 'system:access-grants'): Promise<boolean> {
  if (grant.expiryAudited || nowMs < grant.expiresAtMs) return false;
  try {
    await deps.audit(
      { actor: auditActor, action: 'access.expire', subject: grant.customerId, details: { grant: grant.grantId, was: grant.status, requester: grant.requester } },
      [deps.store.expire(grant, nowMs)],
    );
    grant.status = 'expired';
    grant.expiryAudited = true;
    return true;
  } catch (error) {
    if (error instanceof AlongsideWriteRefusedError) return false; // audited by someone else, or approved meanwhile
    throw error;
  }
}

/** Audits every lapsed grant of the last two days whose expiry is not yet audited; the count. */
export async function sweepExpiredGrants(deps: GrantDeps): Promise<number> {
  const nowMs = deps.now();
  let expired = 0;
  for (const grant of await deps.store.list(nowMs - 2 * 86_400_000)) if (await expireIfLapsed(deps, grant, nowMs)) expired += 1;
  return expired;
}

/** `access grants [--active]`: newest first; lapsed grants' expiries are audited on the way. */
export async function listGrants(deps: GrantDeps, options: { active: boolean }): Promise<GrantView[]> {
  await sweepExpiredGrants(deps);
  const nowMs = deps.now();
  const views = (await deps.store.list()).map((g) => grantView(g, nowMs));
  return options.active ? views.filter((g) => g.status === 'active') : views;
}

/**
 * The check every customer-data operation makes before it touches the customer: the engineer's
 * own grant for this customer, in force now (checked here at use, whatever TTL deletion has or
 * has not done). Refusals are audited; lapsed grants found on the way have their expiry audited.
 * Reusable: `customers show`, and any other ops action that must be tied to a grant.
 */
export async function requireActiveGrant(deps: GrantDeps, engineer: Engineer, customerId: string, operation: string, reason?: string): Promise<Grant> {
  const nowMs = deps.now();
  const grants = await deps.store.forCustomer(customerId);
  for (const grant of grants) await expireIfLapsed(deps, grant, nowMs);
  const mine = grants.find((g) => g.requester === engineer.name && effectiveStatus(g, nowMs) === 'active');
  if (mine) return mine;
  const pending = grants.some((g) => g.requester === engineer.name && effectiveStatus(g, nowMs) === 'pending');
  return refuse(
    deps,
    engineer,
    customerId,
    reason,
    { operation, refusal: 'grant_required' },
    new ForbiddenError(
      'grant_required',
      pending
        ? `Your grant for customer ${customerId} is waiting for another engineer's approval (access approve GRANT).`
        : `You need your own active grant for customer ${customerId}: access request --customer ${customerId} --reason "…" (approved by another engineer).`,
    ),
  );
}
