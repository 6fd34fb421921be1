import { providerWiring } from './provider-runtime';
import { connectionsService } from './service';

/**
 * The wiring of the posts functions (connectionsPostsList, connectionsPostsCreate), whose role
 * holds DynamoDB, KMS and Secrets Manager (docs/access.md): a usable token (opened, refreshed
 * under the lease) and the provider API. They never revoke or audit, so the SQS and S3 clients
 * stay out of their bundles (issue 26); either is wired to refuse, loudly, if it ever were called.
 */
export interface PostSteps {
  listPosts: ReturnType<typeof connectionsService>['listPosts'];
  publishPost: ReturnType<typeof connectionsService>['publishPost'];
}

function notWiredHere(what: string): never {
  throw new Error(`${what} is not wired in this function (its role holds DynamoDB, KMS and Secrets Manager only)`);
}

let steps: PostSteps | undefined;

export function postSteps(): PostSteps {
  if (steps) return steps;
  const service = connectionsService({
    ...providerWiring(),
    revocations: { send: () => notWiredHere('the revocation queue (SQS)') },
    audit: () => notWiredHere('the audit log (KMS, S3)'),
  });
  steps = { listPosts: service.listPosts, publishPost: service.publishPost };
  return steps;
}
