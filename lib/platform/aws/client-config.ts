import { NodeHttpHandler } from '@smithy/node-http-handler';
import { intEnv } from '../config';

/**
 * Shared settings for every AWS client. The SDK reads AWS_ENDPOINT_URL by itself, which is how the
 * unchanged code talks to the local emulator. Short timeouts and a bounded number of attempts
 * make an unreachable service a prompt 503 instead of a request that hangs until Lambda kills it.
 */
export function clientConfig() {
  return {
    maxAttempts: intEnv('AWS_MAX_ATTEMPTS', 3, { min: 1, max: 10 }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: intEnv('AWS_CONNECT_TIMEOUT_MS', 1000, { min: 1 }),
      requestTimeout: intEnv('AWS_REQUEST_TIMEOUT_MS', 5000, { min: 1 }),
    }),
  };
}

/** S3 against an emulator must address buckets by path, not by virtual host. */
export function usesCustomEndpoint(): boolean {
  return Boolean(process.env.AWS_ENDPOINT_URL);
}
