import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from './emulator';

/**
 * Reading an emulator from outside the code under test: the ops CLI's `mail list`, the bench and
 * the tests all use these, so the emulator's mail endpoint and client settings live in one place.
 */
export interface SentMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  body: string;
  /** Threading and RFC 3834 headers of mail sent raw (In-Reply-To, References, Reply-To, Auto-Submitted). */
  headers?: Record<string, string>;
}

/** Every message the emulator's SES accepted, oldest first (scripts/emulator/moto_atomic_server.py). */
export async function readSentMail(endpoint: string, options: { timeoutMs?: number } = {}): Promise<SentMail[]> {
  const res = await fetch(`${endpoint}/_helpshelf/mail`, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const data = (await res.json()) as {
    ses?: { Message?: Array<{ id: string; source: string; destinations: { ToAddresses?: string[] }; subject: string; body: string; headers?: Record<string, string> }> };
  };
  return (data.ses?.Message ?? []).map((m) => ({
    id: m.id,
    from: m.source,
    to: m.destinations.ToAddresses ?? [],
    subject: m.subject,
    body: m.body,
    ...(m.headers ? { headers: m.headers } : {}),
  }));
}

export function mailSentTo(mails: SentMail[], address: string): SentMail[] {
  const wanted = address.trim().toLowerCase();
  return mails.filter((m) => m.to.some((to) => to.toLowerCase() === wanted));
}

const documentClients = new Map<string, DynamoDBDocumentClient>();

/** One document client per emulator endpoint (the e2e stage's, the integration layer's, the bench's). */
export function emulatorDocumentClient(endpoint: string): DynamoDBDocumentClient {
  let client = documentClients.get(endpoint);
  if (!client) {
    client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: EMULATOR_REGION,
        endpoint,
        credentials: { accessKeyId: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    documentClients.set(endpoint, client);
  }
  return client;
}
