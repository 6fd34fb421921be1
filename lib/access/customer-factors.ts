import { BadRequestError, NotFoundError } from '../platform/errors';
import type { AccessLogKind } from './access-log';
import { resolveCustomerId, type AuditWriter, type CustomerDirectory, type GrantCheck } from './customer-record';
import { referenceOf, requireAccessReason } from './reason';

/**
 * A customer's second factors, for support (issue 23 "No bypass", docs/access.md "Turning off a
 * customer's second factor"): `customers factors` lists them, `customers factor-off` turns one off
 * (or all). Both need the engineer's own active grant for the customer and a ticket or incident
 * reference, like `customers show`; both are audited BEFORE anything is read or changed, with the
 * customer's access-log entry in the audit entry's transaction. A factor turned off writes the
 * security event and mails the owner, as a self-service removal does, saying support did it.
 * Never a secret: no TOTP secret, recovery code or public key leaves.
 */
export const CUSTOMER_FACTORS_ACTION = 'customers.factors';
export const CUSTOMER_FACTOR_OFF_ACTION = 'customers.factor-off';

export interface CustomerFactors {
  /** The authenticator app: `on` (it gates password sign-in), `pending` (set up, never confirmed) or `off`. */
  authenticatorApp: 'off' | 'pending' | 'on';
  recoveryCodesLeft: number;
  passkeys: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
}

export type FactorChoice = { kind: 'totp' } | { kind: 'passkey'; id: string } | { kind: 'all' };

export type RemovedFactor = { factor: 'totp' } | { factor: 'passkey'; id: string; name: string };

/** Identity's factors of one account (lib/identity/support-factors.ts). */
export interface FactorsPort {
  list(userId: string): Promise<CustomerFactors>;
  /** Turns off what `choice` names; each removal writes its security event and mails the owner with the reference. */
  turnOff(owner: { userId: string; email: string }, choice: FactorChoice, reference: string): Promise<RemovedFactor[]>;
}

/** The customer's access-log entry, written in the audit entry's transaction. */
export type AccessLogWrite = (customerId: string, at: string, kind: AccessLogKind, reason: string) => unknown;

export interface CustomerFactorPorts {
  directory: CustomerDirectory;
  audit: AuditWriter;
  requireGrant: GrantCheck;
  accessLog: AccessLogWrite;
  factors: FactorsPort;
  now: () => string;
}

const PASSKEY_ID = /^[A-Za-z0-9_-]{1,1400}$/;

/** `totp`, `passkey:<id>` or `all`; anything else is a 400 before anything is read. */
export function parseFactorChoice(raw: unknown): FactorChoice {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === 'totp' || text === 'all') return { kind: text };
  if (text.startsWith('passkey:') && PASSKEY_ID.test(text.slice('passkey:'.length))) return { kind: 'passkey', id: text.slice('passkey:'.length) };
  throw new BadRequestError('invalid_factor', 'Name the factor: --factor totp, --factor passkey:<id> (the id `customers factors` lists) or --factor all.');
}

async function ownerOf(ports: CustomerFactorPorts, userId: string): Promise<{ userId: string; email: string }> {
  const profile = await ports.directory.profile(userId);
  if (!profile) throw new NotFoundError('customer_not_found', `No customer with id ${userId}.`);
  return { userId, email: profile.email };
}

/** `customers factors (ID or EMAIL) --reason`: what the customer signs in with, after the audit entry. */
export async function listCustomerFactors(
  ports: CustomerFactorPorts,
  request: { query: string; reason: unknown; actor: string },
): Promise<{ customer: string; factors: CustomerFactors; passwordAloneSignsIn: boolean; auditSeq: number; grant: string }> {
  const reason = requireAccessReason(request.reason);
  const userId = await resolveCustomerId(ports, request.query, CUSTOMER_FACTORS_ACTION, request.actor, reason);
  const grant = await ports.requireGrant(userId, reason);
  const entry = await ports.audit(
    { actor: request.actor, action: CUSTOMER_FACTORS_ACTION, subject: userId, reason, details: { grant: grant.grantId, emergency: grant.emergency } },
    [ports.accessLog(userId, ports.now(), 'record-read', reason)],
  );
  await ownerOf(ports, userId);
  const factors = await ports.factors.list(userId);
  return { customer: userId, factors, passwordAloneSignsIn: factors.authenticatorApp !== 'on', auditSeq: entry.seq, grant: grant.grantId };
}

function present(factors: CustomerFactors, choice: FactorChoice): boolean {
  if (choice.kind === 'totp') return factors.authenticatorApp !== 'off';
  if (choice.kind === 'passkey') return factors.passkeys.some((p) => p.id === choice.id);
  return factors.authenticatorApp !== 'off' || factors.passkeys.length > 0;
}

const ABSENT: Record<FactorChoice['kind'], string> = {
  totp: 'The authenticator app is not set up for this customer: nothing to turn off.',
  passkey: 'This customer has no passkey with that id (customers factors lists them).',
  all: 'This customer has no authenticator app and no passkey: nothing to turn off.',
};

/**
 * `customers factor-off (ID or EMAIL) --factor … --reason`: in this order, and nothing changes
 * before the audit entry is written: the reason and the factor are checked (400); the customer is
 * resolved (404, attempt audited); the engineer's own grant (403, refusal audited); the factor
 * must exist (404, nothing written); the audit entry and the customer's access-log entry, in one
 * transaction (if that fails, nothing is turned off); then the factor is turned off, its security
 * event written and the owner mailed.
 */
export async function turnOffCustomerFactor(
  ports: CustomerFactorPorts,
  request: { query: string; factor: unknown; reason: unknown; actor: string },
): Promise<{ customer: string; removed: RemovedFactor[]; remaining: CustomerFactors; passwordAloneSignsIn: boolean; auditSeq: number; grant: string }> {
  const reason = requireAccessReason(request.reason);
  const choice = parseFactorChoice(request.factor);
  const userId = await resolveCustomerId(ports, request.query, CUSTOMER_FACTOR_OFF_ACTION, request.actor, reason);
  const grant = await ports.requireGrant(userId, reason);
  const owner = await ownerOf(ports, userId);
  if (!present(await ports.factors.list(userId), choice)) throw new NotFoundError('factor_not_found', ABSENT[choice.kind]);
  const entry = await ports.audit(
    {
      actor: request.actor,
      action: CUSTOMER_FACTOR_OFF_ACTION,
      subject: userId,
      reason,
      details: { factor: choice.kind, passkey: choice.kind === 'passkey' ? choice.id : null, grant: grant.grantId, emergency: grant.emergency },
    },
    [ports.accessLog(userId, ports.now(), 'factor-removed', reason)],
  );
  // requireAccessReason accepted the reason, so it names a reference.
  const removed = await ports.factors.turnOff(owner, choice, referenceOf(reason) ?? reason);
  const remaining = await ports.factors.list(userId);
  return { customer: userId, removed, remaining, passwordAloneSignsIn: remaining.authenticatorApp !== 'on', auditSeq: entry.seq, grant: grant.grantId };
}
