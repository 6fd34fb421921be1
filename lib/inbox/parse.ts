import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import type { HeaderLine, InboundMessage } from './message';

/**
 * Reads a raw RFC 5322 message with mailparser (charsets, encoded words, MIME trees, HTML to
 * text when there is no text part). Never throws for what a message contains: whatever cannot be
 * read is named in `problems`, so the intake opens an incident with what could be read.
 */

const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$/;
/** References can be long on old threads; the newest ones are at the end and are the ones we sent. */
const MAX_REFERENCED_IDS = 20;

function addresses(field: AddressObject | AddressObject[] | undefined): Array<{ address: string; name: string }> {
  const out: Array<{ address: string; name: string }> = [];
  const walk = (list: EmailAddress[]) => {
    for (const entry of list) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push({ address: entry.address, name: entry.name ?? '' });
    }
  };
  for (const object of ([] as AddressObject[]).concat(field ?? [])) walk(object.value);
  return out;
}

function headerLines(parsed: ParsedMail): HeaderLine[] {
  return parsed.headerLines.map(({ key, line }) => {
    const unfolded = line.replace(/\r?\n[ \t]+/g, ' ');
    const colon = unfolded.indexOf(':');
    return { name: key.toLowerCase(), value: colon < 0 ? '' : unfolded.slice(colon + 1).trim() };
  });
}

/** Only well-formed ids: they go back out in our reply's In-Reply-To and References headers. */
export function validMessageId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  const bracketed = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
  return MESSAGE_ID.test(bracketed) ? bracketed : null;
}

function referenced(parsed: ParsedMail): string[] {
  const raw = [...([] as string[]).concat(parsed.references ?? []), ...([] as string[]).concat(parsed.inReplyTo ?? [])];
  const ids: string[] = [];
  for (const candidate of raw.flatMap((r) => r.split(/\s+/))) {
    const id = validMessageId(candidate);
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids.slice(-MAX_REFERENCED_IDS);
}

export async function parseMessage(raw: Uint8Array): Promise<InboundMessage> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { skipImageLinks: true });
  } catch (error) {
    return {
      messageId: null,
      referencedIds: [],
      from: [],
      fromHeaderCount: 0,
      recipients: [],
      subject: '',
      text: '',
      contentType: 'application/octet-stream',
      headers: [],
      attachments: [],
      problems: [`unparseable_mime: ${(error as Error).message ?? 'unknown error'}`.slice(0, 200)],
    };
  }
  const headers = headerLines(parsed);
  const problems: string[] = [];
  const text = parsed.text ?? '';
  if (text.includes('\ufffd') || (parsed.subject ?? '').includes('\ufffd')) problems.push('undecodable_characters');
  const contentType = parsed.headers.get('content-type') as { value?: string } | undefined;
  if (headers.some((h) => h.name === 'message-id') && !validMessageId(parsed.messageId)) problems.push('invalid_message_id');

  return {
    messageId: validMessageId(parsed.messageId),
    referencedIds: referenced(parsed),
    from: addresses(parsed.from),
    fromHeaderCount: headers.filter((h) => h.name === 'from').length,
    recipients: [...addresses(parsed.to), ...addresses(parsed.cc)].map((a) => a.address),
    subject: parsed.subject ?? '',
    text,
    contentType: (contentType?.value ?? 'text/plain').toLowerCase(),
    headers,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType ?? 'application/octet-stream', size: a.size ?? a.content.length, content: a.content })),
    problems,
  };
}
