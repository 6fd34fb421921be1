import { service } from '../lib/iam-model';
import type { FunctionDefinition } from '../lib/stage-config';

/**
 * The cold-start floor of a function: the AWS SDK clients its IAM role lets it call, constructed
 * and nothing else. Built from the role (serverless.yml's iamRoleStatements, as the packaged
 * template's per-function role has them), not from the clients its bundle happens to contain, so
 * a function that loads a client it may never call does not raise its own floor.
 *
 * Services a role names for someone else's calls are left out: X-Ray (every role inherits the
 * trace-writing permission; Lambda's runtime writes the segments) and CloudWatch Logs (Lambda
 * writes the function's logs; DynamoDB's ImportTable writes its error log as the caller).
 */
export const SERVICE_CLIENTS: Record<string, string[]> = {
  // The document client is how the code reaches DynamoDB (lib/platform/aws/dynamodb.ts).
  dynamodb: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  kms: ['@aws-sdk/client-kms'],
  s3: ['@aws-sdk/client-s3'],
  secretsmanager: ['@aws-sdk/client-secrets-manager'],
  ses: ['@aws-sdk/client-ses'],
  sqs: ['@aws-sdk/client-sqs'],
  lambda: ['@aws-sdk/client-lambda'],
};
export const NOT_CALLED_BY_THE_FUNCTION = new Set(['xray', 'logs']);

interface RoleStatement {
  Effect?: string;
  Action?: string | string[];
}

/** Services the function's own role statements allow (Allow statements only). */
export function roleServices(def: FunctionDefinition): string[] {
  const statements = ((def.iamRoleStatements ?? []) as RoleStatement[]).filter((s) => s.Effect === 'Allow');
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []));
  return [...new Set(actions.map(service))].filter((s) => !NOT_CALLED_BY_THE_FUNCTION.has(s)).sort();
}

/** The SDK packages of the floor; a service with no client here fails loudly rather than being left out. */
export function floorClients(services: string[]): string[] {
  return services
    .flatMap((s) => {
      const clients = SERVICE_CLIENTS[s];
      if (!clients) throw new Error(`scripts/bench/floor.ts: no SDK client is known for the IAM service "${s}"`);
      return clients;
    })
    .sort();
}
