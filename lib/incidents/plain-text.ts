/**
 * Names that are published or shown to people (advisory credits, the point of contact) are plain
 * text: one line, no markup. They are refused, never escaped or stripped, so what is stored is
 * exactly what the person typed and every consumer (advisory page, mail, ops output) can show it
 * as is.
 *
 * Refused:
 * - control characters (C0, DEL, C1), including line breaks and tabs;
 * - the markup characters `<` and `>` (HTML/XML tags, autolinks);
 * - Unicode bidirectional controls and invisible format characters that make a name read
 *   differently from what it is (U+200B–U+200F, U+202A–U+202E, U+2060–U+2069, U+FEFF).
 *
 * Kept: letters of any script, digits, spaces, punctuation such as `.`, `-`, `'`, `&`, `@`, and
 * emoji (including joiners, U+200D, which emoji sequences need).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MARKUP = /[<>]/;
const INVISIBLE_FORMAT = /[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

export type PlainNameProblem = 'control' | 'markup' | 'format';

/** Why `value` is not a plain-text name, or undefined when it is one. */
export function plainNameProblem(value: string): PlainNameProblem | undefined {
  if (CONTROL.test(value)) return 'control';
  if (MARKUP.test(value)) return 'markup';
  if (INVISIBLE_FORMAT.test(value)) return 'format';
  return undefined;
}

export const PLAIN_NAME_RULE = 'plain text on one line: no "<" or ">", no control characters or line breaks, no invisible formatting characters';
