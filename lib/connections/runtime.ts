import { audit } from '../audit';
import { providerWiring } from './provider-runtime';
import { connectionsService, type ConnectionsService } from './service';
import { sqsRevocationQueue } from './sqs-revocation-queue';

/**
 * Wires the connections capability to AWS and the providers, once per execution environment:
 * for the functions that revoke and audit (callback, delete, the revocation worker, ops). The
 * DynamoDB-only steps use connect-runtime.ts, the posts functions posts-runtime.ts.
 */
let service: ConnectionsService | undefined;

export function connections(): ConnectionsService {
  service ??= connectionsService({
    ...providerWiring(),
    revocations: sqsRevocationQueue(process.env.CONNECTION_REVOCATIONS_QUEUE ?? 'unset'),
    audit,
  });
  return service;
}
