import { BadRequestError } from '../platform/errors';
import { verifyChain, type AuditChain, type ChainBreak } from '../audit/audit-log';

export interface AuditListing {
  chain: { intact: boolean; entries: number; firstBreak: ChainBreak | null };
  since: string | null;
  entries: Array<{
    seq: number;
    at: string;
    actor: string;
    action: string;
    subject: string;
    reason: string | null;
    details: Record<string, string | number | boolean | null> | null;
    hash: string;
    prevHash: string;
  }>;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseSince(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  const at = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at)) throw new BadRequestError('invalid_since', '--since must be an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z.');
  return at;
}

/**
 * The whole chain is verified on every listing, whatever --since filters: a break before the
 * window is still reported, because an altered or removed entry anywhere voids the log's promise.
 */
export async function listAudit(chain: AuditChain, options: { since?: string }): Promise<AuditListing> {
  const since = parseSince(options.since);
  const report = await verifyChain(chain);
  const entries = report.entries
    .filter((e) => since === undefined || Date.parse(e.at) >= since)
    .map((e) => ({
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      reason: e.reason ?? null,
      details: e.details ?? null,
      hash: e.hash,
      prevHash: e.prevHash,
    }));
  return {
    chain: { intact: report.intact, entries: report.entries.length, firstBreak: report.firstBreak ?? null },
    since: since === undefined ? null : new Date(since).toISOString(),
    entries,
  };
}
