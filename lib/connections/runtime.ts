import { audit } from '../audit';
import { requireEnv } from '../platform/config';
import { logger } from '../platform/logger';
import { secrets } from '../platform/secrets';
import { nowEpochMillis } from '../platform/time';
import { dynamoConnectionStore } from './dynamo-connection-store';
import { kmsDataKeys } from './kms-data-keys';
import { openidOAuthClient } from './oauth-client';
import { httpProviderApi } from './provider-api';
import { connectionsEnv as env, outboundPolicy } from './runtime-env';
import { connectionsService, type ConnectionsService } from './service';
import { sqsRevocationQueue } from './sqs-revocation-queue';
import { tokenVault } from './token-vault';

/**
 * Wires the connections capability to AWS and the providers, once per execution environment:
 * for the functions that call the provider and hold its tokens (callback, posts, delete, the
 * revocation worker, ops). The DynamoDB-only steps use connect-runtime.ts.
 */
let service: ConnectionsService | undefined;

export function connections(): ConnectionsService {
  if (service) return service;
  const policy = outboundPolicy();
  service = connectionsService({
    providers: env.providers,
    store: dynamoConnectionStore(env.table),
    // Lazily: only the functions that call the provider have (and need) these permissions.
    vault: tokenVault(kmsDataKeys(process.env.CONNECTION_TOKENS_KEY_ARN ?? 'unset')),
    oauth: openidOAuthClient({
      policy,
      clientSecret: async (providerId) => {
        const all = await secrets.getJson<Record<string, string>>(requireEnv('CONNECTION_CLIENT_SECRETS_ID'));
        const secret = all[providerId];
        if (!secret) throw new Error(`no client secret for provider ${providerId}`);
        return secret;
      },
    }),
    api: httpProviderApi(policy, nowEpochMillis),
    revocations: sqsRevocationQueue(process.env.CONNECTION_REVOCATIONS_QUEUE ?? 'unset'),
    audit,
    publicUrl: env.publicUrl,
    appUrl: env.appUrl,
    now: nowEpochMillis,
    log: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  });
  return service;
}
