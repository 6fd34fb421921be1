import { requireEnv } from '../platform/config';
import { logger } from '../platform/logger';
import { secrets } from '../platform/secrets';
import { nowEpochMillis } from '../platform/time';
import type { ConnectionsDeps } from './context';
import { dynamoConnectionStore } from './dynamo-connection-store';
import { kmsDataKeys } from './kms-data-keys';
import { openidOAuthClient } from './oauth-client';
import { httpProviderApi } from './provider-api';
import { connectionsEnv as env, outboundPolicy } from './runtime-env';
import { tokenVault } from './token-vault';

/**
 * What every function that calls the provider with a user's tokens wires: the store, the token
 * vault (KMS), the OAuth client with the client secret (Secrets Manager) and the provider API.
 * The revocation queue (SQS) and the audit log (KMS, S3) are added by ./runtime.ts for the
 * functions whose role allows them; the posts functions (./posts-runtime.ts) do without.
 */
export function providerWiring(): Omit<ConnectionsDeps, 'revocations' | 'audit'> {
  const policy = outboundPolicy();
  return {
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
    publicUrl: env.publicUrl,
    appUrl: env.appUrl,
    now: nowEpochMillis,
    log: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  };
}
