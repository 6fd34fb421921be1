import { isLocalStage } from '../platform/config';
import { BadRequestError, ForbiddenError } from '../platform/errors';

/**
 * The escalation job's controllable clock. On the local stage (`npm start`, the e2e stage) a run
 * may say what time it is (`{"now": ISO}` in the scheduled event, or `incidents escalate --now
 * ISO`), so the tests can move past `acknowledgeBy` without waiting a business day. Anywhere else
 * an override is refused outright: a deployed stage only ever runs on the real clock.
 */
export function nowOverride(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isLocalStage()) throw new ForbiddenError('now_override_refused', 'A clock override is honoured only on the local stage.');
  const millis = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(millis)) throw new BadRequestError('invalid_now', '--now must be an ISO 8601 date-time, e.g. 2026-11-25T10:00:00Z.');
  return millis;
}
