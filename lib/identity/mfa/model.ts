/** The sealed (envelope-encrypted) TOTP secret: a KMS data key per enrolment, AES-256-GCM. */
export interface SealedSecret {
  dataKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** The authenticator app of an account: pending until its first code is confirmed. */
export interface TotpRecord {
  userId: string;
  status: 'pending' | 'active';
  sealed: SealedSecret;
  /** Identifies this enrolment (a newer enrolment replaces a pending one). */
  enrolmentId: string;
  createdAtMs: number;
  /** The last time step a code was accepted for (replay refusal). */
  lastStep?: number;
  /** Digests of the unused recovery codes. */
  recoveryDigests: string[];
}

/** `…_by_support`: turned off by an engineer with `customers factor-off` (a grant and a reason; docs/access.md). */
export type SecurityEventKind =
  | 'totp_enabled'
  | 'totp_disabled'
  | 'recovery_code_used'
  | 'passkey_added'
  | 'passkey_removed'
  | 'totp_disabled_by_support'
  | 'passkey_removed_by_support';

export interface SecurityEventRecord {
  at: string;
  event: SecurityEventKind;
  /** A short, non-secret detail (a passkey's name). */
  detail?: string;
}

/** What the MFA flows store (lib/identity/mfa/dynamo-mfa-store.ts). */
export interface MfaStore {
  getTotp(userId: string): Promise<TotpRecord | undefined>;
  /** A new pending enrolment, unless the app is already on (false then). */
  putPendingTotp(record: TotpRecord): Promise<boolean>;
  /**
   * Turns the pending enrolment `enrolmentId` on: status, the first used step, the recovery
   * digests, the credential's `totp` flag and the event, in one transaction. False if it changed.
   */
  activateTotp(userId: string, email: string, enrolmentId: string, step: number, recoveryDigests: string[], event: SecurityEventRecord): Promise<boolean>;
  /** Removes the enrolment `enrolmentId` and the credential's flag (and writes the event, if any) in one transaction. False if it changed. */
  removeTotp(userId: string, email: string, enrolmentId: string, event?: SecurityEventRecord): Promise<boolean>;
  /** One conditional write: the step is recorded only if it is later than the last used (false: a replay). */
  useStep(userId: string, step: number): Promise<boolean>;
  /** One conditional write: removes an unused recovery code's digest (false: unknown or used). */
  useRecoveryCode(userId: string, digest: string, event: SecurityEventRecord): Promise<boolean>;
  /** The session counts as a recent sign-in again (a write to the token, if it still exists). */
  confirmSessionWrite(userId: string, tokenId: string, nowMs: number): unknown;
  listEvents(userId: string, limit: number): Promise<SecurityEventRecord[]>;
  putEvent(userId: string, event: SecurityEventRecord): Promise<void>;
}
