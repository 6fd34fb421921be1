/**
 * RFC 9116 security.txt. `Expires` is recomputed on every request so the file never goes stale
 * and always stays under the RFC's one-year recommendation.
 */
export interface SecurityTxtConfig {
  contacts: string[];
  policyUrl: string;
  acknowledgmentsUrl: string;
  canonicalUrl: string;
  preferredLanguages: string;
  expiresInDays: number;
}

export function buildSecurityTxt(config: SecurityTxtConfig, now: Date): string {
  if (config.expiresInDays <= 0 || config.expiresInDays >= 365) {
    throw new RangeError('security.txt must expire within a year');
  }
  const expires = new Date(now.getTime() + config.expiresInDays * 86_400_000);
  expires.setUTCHours(0, 0, 0, 0);
  const lines = [
    ...config.contacts.map((c) => `Contact: ${c}`),
    `Expires: ${expires.toISOString().replace('.000Z', 'Z')}`,
    `Policy: ${config.policyUrl}`,
    `Acknowledgments: ${config.acknowledgmentsUrl}`,
    `Preferred-Languages: ${config.preferredLanguages}`,
    `Canonical: ${config.canonicalUrl}`,
  ];
  return `${lines.join('\n')}\n`;
}
