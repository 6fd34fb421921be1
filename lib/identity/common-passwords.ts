import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The common-password list of @zxcvbn-ts/language-common (`passwords-common`: about 49,000
 * entries, ranked, lower-case, drawn from real breach corpora), loaded into a Set on first use.
 */
let common: Set<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}
