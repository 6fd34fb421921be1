/**
 * The common-password list of @zxcvbn-ts/language-common (`passwords-common`: about 49,000
 * entries, ranked, lower-case, drawn from real breach corpora), loaded into a Set on first use:
 * the package is required here, not at module scope, so a cold start that checks no new password
 * does not evaluate its 1 MB of data.
 */
let common: Set<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  if (!common) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { dictionary } = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  }
  return common;
}
