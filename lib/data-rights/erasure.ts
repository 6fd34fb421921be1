import { logger } from '../platform/logger';
import type { Mailer } from '../platform/mailer';
import { retry } from '../platform/retry';
import type { LedgerEntry } from './ledger';
import { EXPORT_SECTIONS, type DataRightsPart, type DataSubject, type ErasureContext, type ExportDocument } from './part';

/**
 * Deleting an account (DELETE /v1/me, and `customers erase` for a request that arrives by mail).
 *
 * 1. Outside services first (`beforeClose`: the Stripe customer). When one is down the deletion
 *    stops here with nothing changed, and the owner can try again.
 * 2. The account is closed in ONE transaction (identity's `close`): the credential goes (the
 *    address is free to sign up again, no login can succeed), every token is revoked by the
 *    revocation mark (the very next request is 401, and no token issued by a racing login
 *    survives: issuing checks the credential in its own transaction), and the deletion ledger's
 *    entry is inserted, so no restore from before this moment can bring the account back.
 * 3. Every part erases what it holds; identity last (its revocation mark goes after the tokens).
 *    A part that still fails after retries is reported (log and metric) for `customers erase` to
 *    finish: the account stays closed and in the ledger whatever happens.
 * 4. The owner is mailed.
 */
export interface AccountCloser {
  /** One transaction: credential deleted (if still at `guard`), every token revoked, `ledgerWrite` inserted. */
  close(subject: DataSubject, guard: unknown, ledgerWrite: unknown): Promise<void>;
}

export interface ErasureDeps {
  parts: readonly DataRightsPart[];
  closer: AccountCloser;
  ledgerWrite(entry: LedgerEntry): unknown;
  digestEmail(email: string): Promise<string>;
  audit(event: { actor: string; action: string; subject: string; reason?: string; details?: Record<string, string | number | boolean | null> }): Promise<unknown>;
  mailer: Mailer;
  now(): string;
  countMetric(name: 'AccountDeleted' | 'AccountErasureIncomplete', value?: number): void;
}

export interface ErasureReport {
  userId: string;
  deletedAt: string;
  erased: string[];
  incomplete: string[];
}

export async function deleteAccount(deps: ErasureDeps, subject: DataSubject, guard: unknown, context: ErasureContext): Promise<ErasureReport> {
  for (const part of deps.parts) await part.beforeClose?.(subject);

  const deletedAt = deps.now();
  const emailDigest = await deps.digestEmail(subject.email);
  await deps.closer.close(subject, guard, deps.ledgerWrite({ userId: subject.userId, emailDigest, deletedAt }));
  // The account is closed and in the ledger now: a failed audit write must not leave its data behind.
  await deps.audit({ actor: context.actor, action: 'account.deleted', subject: subject.userId, reason: context.reason }).catch((error: unknown) => {
    logger.error('account deletion audit entry failed; erasing all the same', { userId: subject.userId, error: (error as Error).name });
    deps.countMetric('AccountErasureIncomplete');
  });

  const report = await eraseParts(deps, subject, context);
  await deps.mailer
    .send({
      to: subject.email,
      subject: 'Your HelpShelf account was deleted',
      text: [
        'Hello,',
        '',
        'Your HelpShelf account and the data it held were deleted, as you asked:',
        '- every session and access token stopped working at once;',
        '- every connected social account was disconnected and its access revoked at the provider;',
        '- your customer record at Stripe was deleted (Stripe held your payment details; we never did);',
        '- your account, sessions, tokens, passkeys and factors were removed from every table, and no',
        '  restore of a backup can bring them back.',
        '',
        'Security reports you sent stay as security records, without your address or account. Entries of',
        'our access audit log stay, naming only an opaque account id.',
        '',
        'If you did not ask for this, write to us by replying to this message.',
        '',
        '— HelpShelf',
      ].join('\n'),
    })
    .catch((error: unknown) => logger.error('account deletion mail failed', { userId: subject.userId, error: (error as Error).name }));
  return { userId: subject.userId, deletedAt, ...report };
}

/** Step 3 alone: what `customers erase` re-runs for an account already closed. */
export async function eraseParts(deps: Pick<ErasureDeps, 'parts' | 'countMetric'>, subject: DataSubject, context: ErasureContext) {
  const erased: string[] = [];
  const incomplete: string[] = [];
  for (const part of deps.parts) {
    try {
      // Any failure is worth another try here: every erase is idempotent.
      await retry(() => part.erase(subject, context), { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000, retryable: () => true });
      erased.push(part.name);
    } catch (error) {
      incomplete.push(part.name);
      logger.error('account erasure incomplete', { userId: subject.userId, part: part.name, error: (error as Error).name });
    }
  }
  if (incomplete.length > 0) deps.countMetric('AccountErasureIncomplete', incomplete.length);
  return { erased, incomplete };
}

/** GET /v1/me/export: every part's sections, put together; a section no part fills is an error. */
export async function exportAccount(parts: readonly DataRightsPart[], subject: DataSubject, now: string): Promise<ExportDocument> {
  const document: Record<string, unknown> = { format: 'helpshelf-export/1', exportedAt: now };
  for (const part of parts) Object.assign(document, await part.export(subject));
  const missing = EXPORT_SECTIONS.filter((s) => !(s in document));
  if (missing.length > 0) throw new Error(`No data-rights part exports ${missing.join(', ')}`);
  return document as ExportDocument;
}
