import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { currentStage } from './config';

/**
 * CloudWatch metrics through Powertools Metrics (Embedded Metric Format on stdout: Lambda's log
 * pipeline turns each line into metrics, so no CloudWatch client or permission is needed).
 *
 * Every metric has exactly one dimension, `Stage`: the alarms (sls/resources/backups.yml) match
 * the dimension set exactly, so Powertools' default `service` dimension is replaced. Each call
 * publishes at once, so a metric is never lost to an error later in the invocation and no
 * handler needs a flush step.
 */
export const NAMESPACES = { app: 'HelpShelf', backups: 'HelpShelf/Backups' } as const;

const instances = new Map<string, Metrics>();

function metricsFor(namespace: string): Metrics {
  let metrics = instances.get(namespace);
  if (!metrics) {
    metrics = new Metrics({ namespace });
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({ Stage: currentStage() });
    instances.set(namespace, metrics);
  }
  return metrics;
}

/** Publishes counts in one EMF document of `namespace`. */
export function publishCounts(namespace: string, values: Record<string, number>): void {
  const metrics = metricsFor(namespace);
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/** The application's own events, namespace HelpShelf. */
export type AppMetric = 'LoginSucceeded' | 'LoginFailed' | 'LoginThrottled' | 'WebhookReceived' | 'WebhookRejected' | 'IncidentOpened' | 'ConnectionsRevoked' | 'AccountDeleted' | 'AccountErasureIncomplete';

/** Counts one application event (or `value` of them). */
export function countMetric(name: AppMetric, value = 1): void {
  publishCounts(NAMESPACES.app, { [name]: value });
}
