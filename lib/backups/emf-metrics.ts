import { logger } from '../platform/logger';
import { nowEpochMillis } from '../platform/time';
import type { Metrics } from './types';

export const METRICS_NAMESPACE = 'HelpShelf/Backups';

/**
 * CloudWatch Embedded Metric Format through the ordinary logger: Lambda's log pipeline turns the
 * `_aws` block into metrics, so no CloudWatch SDK client or permission is needed. The alarms in
 * sls/resources/backups.yml watch these metrics per stage.
 */
export function emfMetrics(stage: string): Metrics {
  return {
    publish(values) {
      logger.info('backups metrics', {
        _aws: {
          Timestamp: nowEpochMillis(),
          CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['Stage']], Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })) }],
        },
        Stage: stage,
        ...values,
      });
    },
  };
}
