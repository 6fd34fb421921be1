import { httpRoute } from '../lib/http/handler';
import { text } from '../lib/http/responses';
import { intEnv, requireEnv } from '../lib/platform/config';
import { securityTxtRoute } from '../lib/incidents/schemas';
import { buildSecurityTxt, type SecurityTxtConfig } from '../lib/incidents/security-txt';
import { nowEpochMillis } from '../lib/platform/time';

const config: SecurityTxtConfig = {
  contacts: requireEnv('SECURITY_CONTACTS').split(',').map((c) => c.trim()).filter(Boolean),
  policyUrl: requireEnv('SECURITY_POLICY_URL'),
  acknowledgmentsUrl: requireEnv('SECURITY_ACKNOWLEDGMENTS_URL'),
  canonicalUrl: requireEnv('SECURITY_CANONICAL_URL'),
  preferredLanguages: requireEnv('SECURITY_PREFERRED_LANGUAGES'),
  expiresInDays: intEnv('SECURITY_TXT_EXPIRES_DAYS', 180, { min: 1, max: 364 }),
};

export const handler = httpRoute(securityTxtRoute, async () => text(200, buildSecurityTxt(config, new Date(nowEpochMillis()))));
