import { intEnv, isLocalStage, requireEnv } from '../platform/config';
import { allowedHosts, parseProviders } from './providers';
import type { OutboundPolicy } from './outbound-fetch';

/**
 * The connections capability's configuration, read at cold start: a missing variable, or a
 * non-https provider endpoint outside the local stage, fails the cold start. No AWS client here:
 * each function's wiring (connect-runtime.ts, runtime.ts) loads only the clients it calls.
 */
export const connectionsEnv = {
  stage: requireEnv('STAGE'),
  table: requireEnv('CONNECTIONS_TABLE'),
  providers: parseProviders(requireEnv('CONNECTION_PROVIDERS'), requireEnv('STAGE')),
  publicUrl: requireEnv('CONNECTIONS_PUBLIC_URL').replace(/\/$/, ''),
  appUrl: requireEnv('CONNECTIONS_APP_URL'),
  timeoutMs: intEnv('CONNECTIONS_PROVIDER_TIMEOUT_MS', 5000, { min: 100, max: 8000 }),
};

export function outboundPolicy(): OutboundPolicy {
  return { allowedHosts: allowedHosts(connectionsEnv.providers), allowHttp: isLocalStage(), timeoutMs: connectionsEnv.timeoutMs };
}
