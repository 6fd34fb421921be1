import { TooManyRequestsError } from '../platform/errors';
import { logger } from '../platform/logger';
import { countMetric } from '../platform/metrics';
import { acknowledgeBy } from './business-days';
import { parseIncidentReport } from './intake';
import { newIncidentId, newTrackingToken } from './tracking-tokens';
import { submitIncident, type IncidentDeps, type SubmittedIncident } from './service';

/**
 * Receiving a report through the report page's plain form (POST /security/report): the same
 * schema as POST /v1/incidents (parseIncidentReport runs lib/incidents/schemas.ts), the same
 * per-address budget (reportIntakeFromEnv: the same rate-limit scope and settings), the same
 * honeypot rule, the same submitIncident and metric.
 */
export interface ReportIntake {
  incidents: IncidentDeps;
  /** Spends one report of the sender address's budget (one atomic counter update). */
  consumeBudget(sourceIp: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export interface Reporter {
  sourceIp: string;
  /** The reporter's account, when the request proves one (a bearer token); undefined otherwise. */
  identify: () => Promise<string | undefined>;
}

export async function receiveReport(intake: ReportIntake, body: unknown, reporter: Reporter): Promise<SubmittedIncident> {
  const budget = await intake.consumeBudget(reporter.sourceIp);
  if (!budget.allowed) throw new TooManyRequestsError(budget.retryAfterSeconds, 'too_many_reports', 'Too many reports from this address. Try again later.');

  const parsed = parseIncidentReport(body);
  if (parsed.kind === 'honeypot') {
    // Looks accepted, so a bot learns nothing; nothing is stored and nobody is mailed.
    logger.info('incident honeypot triggered');
    const deps = intake.incidents;
    return { id: newIncidentId(), trackingToken: newTrackingToken(), status: 'received', acknowledgeBy: new Date(acknowledgeBy(deps.now(), deps.calendar)).toISOString() };
  }
  const userId = await reporter.identify();
  const submitted = await submitIncident(intake.incidents, parsed.report, { userId });
  countMetric('IncidentOpened');
  return submitted;
}
