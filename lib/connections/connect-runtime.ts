import { logger } from '../platform/logger';
import { nowEpochMillis } from '../platform/time';
import { dynamoConnectionStore } from './dynamo-connection-store';
import { openidOAuthClient } from './oauth-client';
import { connectionsEnv, outboundPolicy } from './runtime-env';
import { connectionsService } from './service';

/**
 * The wiring of the functions whose IAM role holds DynamoDB only (connectionsProviders,
 * connectionsCreate, connectionsStart, connectionsList; docs/access.md): the store and the
 * secret-less authorization URL, and nothing else. KMS, S3, Secrets Manager and SQS are not in
 * these bundles (issue 26: connectionsList cold-initialised in 145.8 ms with every client, 72.5 ms
 * without). What these functions never call is wired to refuse, loudly, if it ever were.
 */
export interface ConnectSteps {
  listProviders: ReturnType<typeof connectionsService>['listProviders'];
  beginConnect: ReturnType<typeof connectionsService>['beginConnect'];
  start: ReturnType<typeof connectionsService>['start'];
  list: ReturnType<typeof connectionsService>['list'];
}

function notWiredHere(what: string): never {
  throw new Error(`${what} is not wired in this function (its role holds DynamoDB only)`);
}

let steps: ConnectSteps | undefined;

export function connectSteps(): ConnectSteps {
  if (steps) return steps;
  const refuse = (what: string) => () => notWiredHere(what);
  const service = connectionsService({
    providers: connectionsEnv.providers,
    store: dynamoConnectionStore(connectionsEnv.table),
    vault: { seal: refuse('the token vault (KMS)'), open: refuse('the token vault (KMS)'), reseal: refuse('the token vault (KMS)') } as never,
    oauth: openidOAuthClient({ policy: outboundPolicy(), clientSecret: refuse('the client secret (Secrets Manager)') }),
    api: new Proxy({}, { get: (_t, name) => refuse(`the provider API (${String(name)})`) }) as never,
    revocations: { send: refuse('the revocation queue (SQS)') },
    audit: refuse('the audit log (KMS, S3)'),
    publicUrl: connectionsEnv.publicUrl,
    appUrl: connectionsEnv.appUrl,
    now: nowEpochMillis,
    log: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  });
  steps = { listProviders: service.listProviders, beginConnect: service.beginConnect, start: service.start, list: service.list };
  return steps;
}
