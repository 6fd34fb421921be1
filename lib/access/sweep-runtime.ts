import { audit } from '../audit';
import { requireEnv } from '../platform/config';
import { nowEpochMillis } from '../platform/time';
import { accessStore } from './access-store';
import type { GrantDeps } from './grants';

let deps: GrantDeps | undefined;

/**
 * The grants' expiry sweep (accessGrantsExpire): the access table and the audit chain, no mail.
 * Its role does not allow ses:SendEmail, so the SES client stays out of its bundle (issue 26); a
 * send is wired to refuse, loudly. The ops functions use ./grants-runtime.ts (with SES).
 */
export function sweepDeps(): GrantDeps {
  deps ??= {
    store: accessStore(),
    audit: (event, alongside) => audit(event, alongside),
    mailer: { send: () => Promise.reject(new Error('The expiry sweep does not send mail')) },
    securityTeamEmail: requireEnv('SECURITY_TEAM_EMAIL'),
    now: nowEpochMillis,
    stage: requireEnv('STAGE'),
  };
  return deps;
}
