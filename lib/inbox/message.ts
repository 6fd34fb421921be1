/**
 * What the security inbox knows about one received message once mailparser has read it: plain
 * data, no I/O, so the classification (classify.ts) can be tested and mutation-tested alone.
 */

/** One header line as it arrived, in order (the topmost first). */
export interface HeaderLine {
  /** Lower-case header name. */
  name: string;
  /** The unfolded, undecoded value. */
  value: string;
}

export interface InboundAttachment {
  /** The decoded file name, or null when the part names none. */
  filename: string | null;
  contentType: string;
  size: number;
  content: Uint8Array;
}

export interface InboundMessage {
  /** The Message-ID as sent (`<local@domain>`), or null when there is none. */
  messageId: string | null;
  /** Message-IDs named by In-Reply-To and References, in order, without duplicates. */
  referencedIds: string[];
  /** Every address of every From header (two From headers or a list both count). */
  from: Array<{ address: string; name: string }>;
  /** How many From header lines the message had. */
  fromHeaderCount: number;
  /** Every recipient address of To, Cc and Delivered-To, as written. */
  recipients: string[];
  subject: string;
  /** The text body; HTML turned into text when there is no text part. */
  text: string;
  /** The top-level media type, lower-cased, e.g. `multipart/report`. */
  contentType: string;
  headers: HeaderLine[];
  attachments: InboundAttachment[];
  /** What could not be read (broken MIME, no From, …), for the team's `parse_problem` note. */
  problems: string[];
}
