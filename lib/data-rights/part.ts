/**
 * A customer's data rights (UK GDPR: access, erasure): every capability that holds data about a
 * customer contributes one `DataRightsPart`, which exports what it holds and erases it. The
 * registry (registry.ts) lists them all; the export is their parts put together, and a deletion
 * runs every part's erase. `covers` names the items each part is responsible for, so a test can
 * scan every table after a full customer journey and fail on any item naming the customer that no
 * part accounts for (test/integration/data-rights/coverage.test.ts): a new capability cannot
 * forget to be exported or erased.
 */

/** The person whose data is exported or erased, as the identity capability knows them. */
export interface DataSubject {
  userId: string;
  email: string;
  name: string | null;
  /** The Stripe customer linked to the account, if any. */
  billingCustomerId: string | null;
  /** When the account was created (ISO): operations on every customer's data before it held none of theirs. */
  createdAt?: string | null;
}

/** The sections of the export document (API.md "My data: export and deletion"). */
export const EXPORT_SECTIONS = ['account', 'billing', 'sessions', 'tokens', 'connections', 'passkeys', 'incidents', 'accessLog', 'securityEvents'] as const;
export type ExportSection = (typeof EXPORT_SECTIONS)[number];
export type ExportDocument = Record<ExportSection, unknown> & { exportedAt: string; format: string };

/** Who erases, for the audit entries a part writes while erasing. */
export interface ErasureContext {
  actor: string;
  reason: string;
}

/** A stored item (document form: attribute names to plain values). */
export type StoredItem = Record<string, unknown>;

export interface DataRightsPart {
  /** For logs and progress: the capability's name. */
  name: string;
  /** The items this part exports and erases: logical table name → whether an item naming the subject is this part's. */
  covers: Record<string, (item: StoredItem) => boolean>;
  /** This part's sections of the export; never a secret, token value, hash or another person's data. */
  export(subject: DataSubject): Promise<Partial<Record<ExportSection, unknown>>>;
  /**
   * Work at an outside service that must succeed before the account is closed (deleting the Stripe
   * customer): it throws when the service is down, and the deletion stops with nothing changed.
   */
  beforeClose?(subject: DataSubject): Promise<void>;
  /** Removes (or, for records kept for security, de-identifies) what this part holds. Idempotent. */
  erase(subject: DataSubject, context: ErasureContext): Promise<void>;
}
