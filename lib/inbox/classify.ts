import type { HeaderLine, InboundAttachment, InboundMessage } from './message';
import { rateBudgetKey, senderVerified } from './sender-binding';

/**
 * What the security inbox does with one message, decided from the message alone: no I/O, no
 * clock, no AWS. The intake (intake.ts) carries the decision out. Kept pure so issue 17 can
 * mutation-test it and so every rule here has a unit test that fails when the rule changes.
 */

export const IGNORE_REASONS = ['bounce', 'mailer_daemon', 'auto_reply', 'mailing_list', 'own_mail', 'duplicate', 'rate_limited'] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export const INBOX_FLAGS = ['unverified_sender', 'virus_found', 'spam_suspected', 'parse_problem', 'attachments_dropped'] as const;
export type InboxFlag = (typeof INBOX_FLAGS)[number];

/**
 * Attachment limits. SES receipt accepts messages up to 40 MB including encoding, so about 30 MB
 * of decoded content can arrive; the intake holds one message in memory at a time. Evidence
 * (screenshots, logs, proof-of-concept scripts, PDFs) fits in 10 MB a file; 10 files and 25 MB
 * in all keep one message's storage and parse time bounded. What is over a limit is listed as
 * dropped, and the raw message (kept in the inbound bucket) still holds it.
 */
export const ATTACHMENT_LIMITS = { count: 10, fileBytes: 10 * 1024 * 1024, totalBytes: 25 * 1024 * 1024 } as const;
export const SUMMARY_MAX = 200;
export const DETAILS_MAX = 20_000;

export type Verdict = 'pass' | 'fail' | 'none' | 'unknown';

export interface ReceiptVerdicts {
  /** Whether a receipt verdict from SES was found at all. */
  present: boolean;
  spf: Verdict;
  dkim: Verdict;
  dmarc: Verdict;
  spam: Verdict;
  virus: Verdict;
}

export interface InboxPolicy {
  /** The security address, e.g. `security@helpshelf.co` (lower case). */
  securityAddress: string;
  /** Addresses the system sends from: mail from them is our own and never answered. */
  ownAddresses: string[];
  /**
   * On a deployed stage SES adds its verdict headers to every message it stores; a message
   * without them did not come through the receipt rule and is treated as unverified.
   */
  requireVerdicts: boolean;
}

export interface AttachmentPlan {
  index: number;
  name: string;
  contentType: string;
  size: number;
  /** Why it is not stored; absent when it is. `not_stored`: the storage refused it (set by the intake). */
  dropped?: 'too_many' | 'too_large' | 'total_too_large' | 'virus_found' | 'not_stored';
}

export type Disposition =
  | { kind: 'ignore'; reason: Exclude<IgnoreReason, 'duplicate' | 'rate_limited'> }
  | {
      kind: 'report';
      /** The reporter's address, or null when the message names no single sender. */
      sender: string | null;
      /** The rate budget this message spends (sender-binding.ts): unverified mail never spends the claimed address's. */
      rateKey: string;
      flags: InboxFlag[];
      /** False when nothing may be mailed to the sender (spoofing verdict, no or ambiguous sender). */
      mayMailSender: boolean;
      /** Incident ids the message points at: a `security+<id>@` recipient first, then the subject. */
      incidentIds: string[];
      /** Message-IDs it answers (In-Reply-To, References). */
      referencedIds: string[];
      summary: string;
      details: string;
      attachments: AttachmentPlan[];
      problems: string[];
      verdicts: ReceiptVerdicts;
    };

const INCIDENT_ID = /(?<![A-Za-z0-9_-])inc_[A-Za-z0-9_-]{16}(?![A-Za-z0-9_-])/g;

function headerValues(headers: HeaderLine[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value.trim());
}

function firstHeader(headers: HeaderLine[], name: string): string | undefined {
  return headerValues(headers, name)[0];
}

function verdictWord(word: string | undefined): Verdict {
  if (word === undefined) return 'unknown';
  const w = word.toLowerCase();
  if (w === 'pass') return 'pass';
  if (w === 'fail' || w === 'softfail' || w === 'permerror' || w === 'hardfail') return 'fail';
  if (w === 'none' || w === 'neutral') return 'none';
  return 'unknown';
}

/** SES's spam/virus verdict headers say PASS, FAIL, GRAY or PROCESSING_FAILED. */
function sesVerdict(value: string | undefined): Verdict {
  if (value === undefined) return 'unknown';
  const v = value.trim().toUpperCase();
  if (v === 'PASS') return 'pass';
  if (v === 'FAIL') return 'fail';
  return 'unknown';
}

/**
 * The receipt verdicts SES wrote on the message. Only the topmost header of each kind is SES's:
 * SES prepends its own, and anything further down was written by whoever sent the message (a
 * spoofer can add `Authentication-Results: amazonses.com; dmarc=pass` to the body's headers).
 */
export function receiptVerdicts(headers: HeaderLine[]): ReceiptVerdicts {
  const results = firstHeader(headers, 'authentication-results');
  const ours = results !== undefined && /^amazonses\.com\s*;/i.test(results);
  const method = (name: string): Verdict => {
    if (!ours) return 'unknown';
    const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([A-Za-z]+)`, 'i').exec(results);
    return verdictWord(match?.[1]);
  };
  const spam = sesVerdict(firstHeader(headers, 'x-ses-spam-verdict'));
  const virus = sesVerdict(firstHeader(headers, 'x-ses-virus-verdict'));
  return {
    present: ours || firstHeader(headers, 'x-ses-spam-verdict') !== undefined || firstHeader(headers, 'x-ses-virus-verdict') !== undefined,
    spf: method('spf'),
    dkim: method('dkim'),
    dmarc: method('dmarc'),
    spam,
    virus,
  };
}

/** RFC 3834, bounces, list traffic and our own mail: nothing to open, nothing to answer. */
export function ignoreReason(message: InboundMessage, policy: Pick<InboxPolicy, 'ownAddresses'>): Exclude<IgnoreReason, 'duplicate' | 'rate_limited'> | null {
  const h = message.headers;
  const fromLocals = message.from.map((f) => f.address.toLowerCase().split('@')[0]);
  if (fromLocals.some((l) => l === 'mailer-daemon' || l === 'postmaster')) return 'mailer_daemon';
  if (message.contentType === 'multipart/report') return 'bounce';
  const returnPath = firstHeader(h, 'return-path');
  if (returnPath !== undefined && /^<\s*>$/.test(returnPath)) return 'bounce';
  const own = new Set(policy.ownAddresses.map((a) => a.toLowerCase()));
  if (message.from.some((f) => own.has(f.address.toLowerCase()))) return 'own_mail';
  const autoSubmitted = firstHeader(h, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0].trim().toLowerCase() !== 'no') return 'auto_reply';
  if (firstHeader(h, 'x-autoreply') !== undefined || firstHeader(h, 'x-autorespond') !== undefined) return 'auto_reply';
  const suppress = firstHeader(h, 'x-auto-response-suppress')?.toLowerCase();
  if (suppress !== undefined && /\b(all|oof|autoreply)\b/.test(suppress)) return 'auto_reply';
  const precedence = firstHeader(h, 'precedence')?.toLowerCase();
  if (precedence === 'list') return 'mailing_list';
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'auto_reply') return 'auto_reply';
  if (h.some((line) => line.name.startsWith('list-'))) return 'mailing_list';
  return null;
}

/**
 * The one address a reply may go to. Two From headers, several addresses, or a display name
 * that is itself an address (`"ceo@example.com" <someone@else>`) name no single sender.
 */
export function senderOf(message: InboundMessage): { address: string | null; problem?: string } {
  if (message.from.length === 0) return { address: null, problem: 'no_sender' };
  if (message.fromHeaderCount > 1 || message.from.length > 1) return { address: null, problem: 'ambiguous_sender' };
  const [only] = message.from;
  const address = only.address.trim().toLowerCase();
  if (!/^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/.test(address) || address.length > 254) {
    return { address: null, problem: 'invalid_sender' };
  }
  if (only.name.includes('@') && only.name.trim().toLowerCase() !== address) return { address: null, problem: 'ambiguous_sender' };
  return { address };
}

/** Incident ids a message points at: `security+<id>@` recipients first, then ids in the subject. */
export function incidentIdsNamed(message: InboundMessage, securityAddress: string): string[] {
  const [local, domain] = securityAddress.toLowerCase().split('@');
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  for (const recipient of message.recipients) {
    const at = recipient.lastIndexOf('@');
    const rLocal = recipient.slice(0, at);
    // Mail systems treat local parts case-insensitively; incident ids are case-sensitive, so only
    // the `security+` prefix and the domain are compared without case.
    if (at < 0 || recipient.slice(at + 1).toLowerCase() !== domain || !rLocal.toLowerCase().startsWith(`${local}+`)) continue;
    const tag = rLocal.slice(local.length + 1);
    for (const match of tag.matchAll(INCIDENT_ID)) add(match[0]);
  }
  for (const match of message.subject.matchAll(INCIDENT_ID)) add(match[0]);
  return ids;
}

const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const ANY_CONTROL = /[\u0000-\u001f\u007f]+/g;

function clip(text: string, max: number): { text: string; clipped: boolean } {
  const chars = [...text];
  return chars.length > max ? { text: chars.slice(0, max).join(''), clipped: true } : { text, clipped: false };
}

/** A file name safe for an S3 key and a terminal: no path, no control characters, bounded. */
export function safeFileName(name: string | null, index: number): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(ANY_CONTROL, '').replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '').trim();
  return clip(cleaned, 100).text || `attachment-${index + 1}`;
}

/** A MIME type as `type/subtype` tokens (RFC 2045), at most 127 characters. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;
export const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/**
 * The content type an attachment is stored under: the sender's when it is a plain media type,
 * otherwise `application/octet-stream` (a control character or an 8 KB type made the storage
 * refuse the file, and the whole report with it). The raw message keeps what was sent.
 */
export function safeContentType(contentType: string): { contentType: string; replaced: boolean } {
  const lower = contentType.trim().toLowerCase();
  return MEDIA_TYPE.test(lower) ? { contentType: lower, replaced: false } : { contentType: FALLBACK_CONTENT_TYPE, replaced: true };
}

/** Which attachments are stored and which are listed as dropped, in the order they arrived. */
export function planAttachments(attachments: Array<Pick<InboundAttachment, 'filename' | 'contentType' | 'size'>>, virusFound: boolean): AttachmentPlan[] {
  let total = 0;
  let kept = 0;
  return attachments.map((a, index) => {
    const plan: AttachmentPlan = { index, name: safeFileName(a.filename, index), contentType: safeContentType(a.contentType).contentType, size: a.size };
    if (virusFound) return { ...plan, dropped: 'virus_found' };
    if (kept >= ATTACHMENT_LIMITS.count) return { ...plan, dropped: 'too_many' };
    if (a.size > ATTACHMENT_LIMITS.fileBytes) return { ...plan, dropped: 'too_large' };
    if (total + a.size > ATTACHMENT_LIMITS.totalBytes) return { ...plan, dropped: 'total_too_large' };
    total += a.size;
    kept += 1;
    return plan;
  });
}

/** Decides what one message becomes. Duplicates and rate limits need state: the intake checks those. */
export function classifyMessage(message: InboundMessage, policy: InboxPolicy): Disposition {
  const ignored = ignoreReason(message, policy);
  if (ignored) return { kind: 'ignore', reason: ignored };

  const verdicts = receiptVerdicts(message.headers);
  const flags: InboxFlag[] = [];
  const problems = [...message.problems];
  const sender = senderOf(message);
  if (sender.problem) problems.push(sender.problem);

  const authFailed = verdicts.spf === 'fail' || verdicts.dkim === 'fail' || verdicts.dmarc === 'fail';
  // From its From address only with DMARC pass or an aligned SPF/DKIM pass (sender-binding.ts).
  // The local stage has no receipt rule: a message without verdicts is taken as sent there.
  const notBound = sender.address !== null && verdicts.present && !senderVerified(message.headers, sender.address);
  if (authFailed || notBound || (policy.requireVerdicts && !verdicts.present)) flags.push('unverified_sender');
  const verified = sender.address !== null && !flags.includes('unverified_sender');
  if (verdicts.virus === 'fail') flags.push('virus_found');
  if (verdicts.spam === 'fail') flags.push('spam_suspected');

  const attachments = planAttachments(message.attachments, verdicts.virus === 'fail');
  if (attachments.some((a) => a.dropped)) flags.push('attachments_dropped');
  const replacedTypes = message.attachments.filter((a) => safeContentType(a.contentType).replaced).length;
  if (replacedTypes > 0) problems.push(`content_type_replaced_on_${replacedTypes}_attachment${replacedTypes === 1 ? '' : 's'}`);

  const subject = message.subject.replace(ANY_CONTROL, ' ').trim();
  const summary = clip(subject || '(no subject)', SUMMARY_MAX);
  const body = message.text.replace(/\r\n?/g, '\n').replace(CONTROL_EXCEPT_LINES, '').trim();
  const details = clip(body || '(the message has no text)', DETAILS_MAX);
  if (details.clipped) problems.push(`text_truncated_to_${DETAILS_MAX}_characters`);
  if (problems.length > 0) flags.push('parse_problem');

  return {
    kind: 'report',
    sender: sender.address,
    rateKey: rateBudgetKey(sender.address, verified),
    flags,
    mayMailSender: verified,
    incidentIds: incidentIdsNamed(message, policy.securityAddress),
    referencedIds: message.referencedIds,
    summary: summary.text,
    details: details.text,
    attachments,
    problems,
    verdicts,
  };
}

/** An incident a reply may join: found through the ids the message named. */
export interface ThreadCandidate {
  id: string;
  email: string;
}

/**
 * The incident a reply joins, or null for a new one. Only the reporter joins their incident: a
 * reply from another address, or one whose sender failed authentication (a forged From could
 * otherwise write into somebody else's report), opens a new incident instead.
 */
export function chooseThread(disposition: Extract<Disposition, { kind: 'report' }>, candidates: ThreadCandidate[]): string | null {
  if (disposition.sender === null || disposition.flags.includes('unverified_sender')) return null;
  const match = candidates.find((c) => c.email.toLowerCase() === disposition.sender);
  return match ? match.id : null;
}
