// A short provider timeout, so the "provider hangs" case ends quickly (read at cold start).
process.env.CONNECTIONS_PROVIDER_TIMEOUT_MS = '1500';

import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { emulatorDocumentClient } from '../../../scripts/lib/emulator-clients';
import { EMULATOR_REGION } from '../../../scripts/lib/emulator';
import { issuedTokens, setProviderFaults } from '../../../scripts/lib/social-provider';
import { auditStore } from '../../../lib/audit';
import type { AuditEntry } from '../../../lib/audit/audit-log';
import { connectionsCases, expectNoProviderTokenInTables, type ConnectionsContext } from '../../cases/connections.cases';
import { readyAccount } from '../../cases/identity.cases';
import { bearer, CONNECTIONS_TABLE, connectDemo, registerIssuedTokens } from '../../support/connections';
import { lambdaContext, loadHandler, viaHandler } from '../../support/http';
import { invokeOps } from '../../support/ops';

const ctx: ConnectionsContext = {
  send: viaHandler,
  emulator: process.env.HELPSHELF_TEST_EMULATOR!,
  provider: process.env.HELPSHELF_TEST_SOCIAL_PROVIDER!,
};
const db = emulatorDocumentClient(ctx.emulator);
const sqs = new SQSClient({ endpoint: ctx.emulator, region: EMULATOR_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const REVOCATIONS = 'helpshelf-local-connection-revocations';

async function rowsOf(userId: string) {
  const out = await db.send(new ScanCommand({ TableName: CONNECTIONS_TABLE, FilterExpression: 'userId = :u AND begins_with(sk, :c)', ExpressionAttributeValues: { ':u': userId, ':c': 'CONN#' }, ConsistentRead: true }));
  return out.Items ?? [];
}

async function auditAbout(subject: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of auditStore().all()) if (entry.subject === subject) found.push(entry);
  return found;
}

/** Receives the revocation queue's messages as an SQS event, the way the event source mapping would. */
async function receiveRevocations(): Promise<SQSEvent> {
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: REVOCATIONS }))).QueueUrl!;
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  return {
    Records: (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' } as never,
      messageAttributes: {},
      md5OfBody: m.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${EMULATOR_REGION}:123456789012:${REVOCATIONS}`,
      awsRegion: EMULATOR_REGION,
    })),
  };
}

describe('connected social accounts, in-process against the emulator and the stand-in provider', () => {
  jest.setTimeout(60_000);

  it.each(connectionsCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });

  it('a sealed token copied to another connection row does not decrypt: the copy is refused, the original still works', async () => {
    // Prepare: two users, each with a connection
    const a = await readyAccount({ send: ctx.send, emulator: ctx.emulator });
    const b = await readyAccount({ send: ctx.send, emulator: ctx.emulator });
    const idA = await connectDemo(ctx.send, a.token);
    const idB = await connectDemo(ctx.send, b.token);
    const rowA = (await db.send(new GetCommand({ TableName: CONNECTIONS_TABLE, Key: { pk: `USER#${a.userId}`, sk: `CONN#${idA}` } }))).Item!;
    const rowB = (await db.send(new GetCommand({ TableName: CONNECTIONS_TABLE, Key: { pk: `USER#${b.userId}`, sk: `CONN#${idB}` } }))).Item!;
    expect(rowA.sealed.dataKey).not.toEqual(rowB.sealed.dataKey); // a data key per connection
    // Act: the attacker-with-table-write copies A's ciphertext into B's row
    await db.send(new PutCommand({ TableName: CONNECTIONS_TABLE, Item: { ...rowB, sealed: rowA.sealed } }));
    const stolen = await ctx.send({ method: 'GET', path: `/v1/connections/${idB}/posts`, headers: bearer(b.token) });
    // Assess: refused (a generic 500, no internals), A is unaffected
    expect(stolen.status).toBe(500);
    expect(stolen.text).not.toMatch(/Ciphertext|KMS|kms|decrypt/i);
    expect((await ctx.send({ method: 'GET', path: `/v1/connections/${idA}/posts`, headers: bearer(a.token) })).status).toBe(200);
  });

  it('DELETE while the provider refuses revocation: 204 and gone at once, the revocation is queued sealed, and the worker revokes it once the provider is back', async () => {
    // Prepare
    const account = await readyAccount({ send: ctx.send, emulator: ctx.emulator });
    const seen = new Set((await issuedTokens(ctx.provider)).map((t) => t.value));
    const id = await connectDemo(ctx.send, account.token);
    const live = (await issuedTokens(ctx.provider)).filter((t) => t.active && !seen.has(t.value)).map((t) => t.value);
    expect(live.length).toBeGreaterThan(0);
    await setProviderFaults(ctx.provider, { revocation: '500' });
    try {
      // Act
      const deleted = await ctx.send({ method: 'DELETE', path: `/v1/connections/${id}`, headers: bearer(account.token) });
      // Assess: gone here at once
      expect(deleted.status).toBe(204);
      expect(await rowsOf(account.userId)).toEqual([]);
      expect((await ctx.send({ method: 'GET', path: `/v1/connections/${id}/posts`, headers: bearer(account.token) })).status).toBe(404);
      // The worker, while the provider still refuses, reports the message as failed (to retry with backoff)
      const first = await receiveRevocations();
      const mine = first.Records.filter((r) => JSON.parse(r.body).connectionId === id);
      expect(mine).toHaveLength(1);
      for (const t of await registerIssuedTokens(ctx.provider)) expect(mine[0].body).not.toContain(t.value);
      const worker = loadHandler('connectionsRevocationsWorker');
      const refused = (await worker({ Records: mine }, lambdaContext('helpshelf-local-connectionsRevocationsWorker'))) as { batchItemFailures: Array<{ itemIdentifier: string }> };
      expect(refused.batchItemFailures).toEqual([{ itemIdentifier: mine[0].messageId }]);
      // and the message is kept back (backoff) rather than retried at once
      expect((await receiveRevocations()).Records.filter((r) => JSON.parse(r.body).connectionId === id)).toEqual([]);
      // time passes: make it visible again
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: (await sqs.send(new GetQueueUrlCommand({ QueueName: REVOCATIONS }))).QueueUrl!, ReceiptHandle: mine[0].receiptHandle, VisibilityTimeout: 0 }));
    } finally {
      await setProviderFaults(ctx.provider, { revocation: null });
    }
    // Act: the provider is back; the retried message is processed
    const confirmed = (await worker()) as { batchItemFailures: unknown[] };
    expect(confirmed.batchItemFailures).toEqual([]);
    const after = await issuedTokens(ctx.provider);
    for (const value of live) expect(after.find((t) => t.value === value)?.active).toBe(false);
    const audit = await auditAbout(account.userId);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['connections.disconnect', 'connections.revoked-at-provider']));

    async function worker() {
      let event: SQSEvent = { Records: [] };
      // Visibility was pushed back by the failed attempt (backoff); receive until the message reappears.
      for (let i = 0; i < 40 && event.Records.length === 0; i += 1) {
        event = await receiveRevocations();
        event = { Records: event.Records.filter((r) => JSON.parse(r.body).connectionId === id) };
      }
      return loadHandler('connectionsRevocationsWorker')(event, lambdaContext('helpshelf-local-connectionsRevocationsWorker'));
    }
  });

  it('ops revoke-all ends every connection of a customer, each revoked at the provider, audited with the reason; without a reason it refuses and changes nothing', async () => {
    const account = await readyAccount({ send: ctx.send, emulator: ctx.emulator });
    await connectDemo(ctx.send, account.token);
    await connectDemo(ctx.send, account.token, { provider: 'demo', scopes: ['posts.read'] });
    // The second connect of the same account replaced the first: connect a second user's too, untouched.
    const seen = new Set((await issuedTokens(ctx.provider)).map((t) => t.value));
    const bystander = await readyAccount({ send: ctx.send, emulator: ctx.emulator });
    await connectDemo(ctx.send, bystander.token);
    const live = (await issuedTokens(ctx.provider)).filter((t) => t.active && !seen.has(t.value)).map((t) => t.value);

    const refused = await invokeOps('opsConnections', 'revoke-all', { user: account.userId });
    expect(refused).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await rowsOf(account.userId)).toHaveLength(1);

    const outcome = await invokeOps('opsConnections', 'revoke-all', { user: account.userId, reason: 'account takeover ticket 5120' });
    expect(outcome).toEqual({ ok: true, result: { user: account.userId, connections: [expect.objectContaining({ provider: 'demo', revokedAtProvider: true })] } });
    expect(await rowsOf(account.userId)).toEqual([]);
    expect(await rowsOf(bystander.userId)).toHaveLength(1);
    const audit = await auditAbout(account.userId);
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'connections.revoke-all', actor: 'local:test-engineer', reason: 'account takeover ticket 5120' })]));
    const after = await issuedTokens(ctx.provider);
    expect(after.filter((t) => live.includes(t.value) && t.active).length).toBeGreaterThan(0); // the bystander's grant
  });

  it('after everything above, no table holds any token the stand-in issued', async () => {
    expect(await expectNoProviderTokenInTables(ctx)).toBeGreaterThan(0);
  });
});
