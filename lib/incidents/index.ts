import { intEnv, optionalEnv, requireEnv } from '../platform/config';
import { sesMailer } from '../platform/mailer';
import { consumeRateLimit, type RateLimitRule } from '../platform/rate-limit';
import { nowEpochMillis } from '../platform/time';
import type { ReportIntake } from './report-intake';
import { holidayCalendar } from './business-days';
import { dynamoIncidentRepository } from './dynamo-incident-repository';
import type { IncidentDeps } from './service';

/**
 * Wires the incident capability to the stage: the incidents table, SES, the configured business
 * calendar and the platform clock. Called once at a handler's module scope, so a missing or wrong
 * setting (an unknown time zone or holiday region included) fails the cold start by name.
 */
export function incidentDepsFromEnv(): IncidentDeps {
  const region = optionalEnv('INCIDENT_HOLIDAY_REGION', '');
  return {
    repo: dynamoIncidentRepository(requireEnv('INCIDENTS_TABLE')),
    mailer: sesMailer(),
    calendar: holidayCalendar({
      timeZone: optionalEnv('INCIDENT_TIME_ZONE', 'Europe/London'),
      country: optionalEnv('INCIDENT_HOLIDAY_COUNTRY', 'GB'),
      region: region || undefined,
    }),
    now: nowEpochMillis,
    addresses: {
      securityTeam: requireEnv('SECURITY_TEAM_EMAIL'),
      support: requireEnv('SUPPORT_EMAIL'),
      teamLead: requireEnv('TEAM_LEAD_EMAIL'),
    },
    mail: { publicBaseUrl: requireEnv('PUBLIC_BASE_URL') },
    reminderBusinessDays: intEnv('INCIDENT_REMINDER_BUSINESS_DAYS', 3, { min: 1, max: 30 }),
  };
}

/**
 * The report intake of the stage: the incident deps plus the per-address budget in the
 * rate-limits table (INCIDENT_RATE_LIMIT reports per INCIDENT_RATE_WINDOW_SECONDS).
 */
export function reportIntakeFromEnv(incidents: IncidentDeps = incidentDepsFromEnv()): ReportIntake {
  const rateLimitsTable = requireEnv('RATE_LIMITS_TABLE');
  const perIp: RateLimitRule = {
    scope: 'incidents-ip',
    limit: intEnv('INCIDENT_RATE_LIMIT', 5, { min: 1 }),
    windowSeconds: intEnv('INCIDENT_RATE_WINDOW_SECONDS', 3600, { min: 1 }),
  };
  return { incidents, consumeBudget: (sourceIp) => consumeRateLimit(rateLimitsTable, perIp, sourceIp) };
}

export { dynamoIncidentRepository };
