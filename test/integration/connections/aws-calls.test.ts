import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { countAwsCalls, instrumentPlatformClients, type AwsCall } from '../../../scripts/lib/aws-call-counter';
import { emulatorDocumentClient } from '../../../scripts/lib/emulator-clients';
import { audit, auditStore } from '../../../lib/audit';
import { AlongsideWriteRefusedError, type AuditEntry } from '../../../lib/audit/audit-log';
import { readyAccount } from '../../cases/identity.cases';
import { bearer, CONNECTIONS_TABLE, connectDemo } from '../../support/connections';
import { viaHandler } from '../../support/http';

// The AWS calls of DELETE /v1/connections/{id}, counted as the bench counts them (an SDK
// middleware on the platform clients), so its target (issue 14: ≤ 7) is held by `npm test`.

const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const db = emulatorDocumentClient(ctx.emulator);
const names = (calls: AwsCall[]) => calls.map((c) => `${c.service}:${c.command.replace(/Command$/, '')}`);


async function auditAbout(connectionId: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of auditStore().all()) if (entry.action === 'connections.disconnect' && entry.details?.connection === connectionId) found.push(entry);
  return found;
}

const rowOf = async (userId: string, connectionId: string) =>
  (await db.send(new GetCommand({ TableName: CONNECTIONS_TABLE, Key: { pk: `USER#${userId}`, sk: `CONN#${connectionId}` }, ConsistentRead: true }))).Item;

describe('AWS calls of a disconnect (warm function)', () => {
  jest.setTimeout(60_000);
  beforeAll(() => {
    instrumentPlatformClients();
  });

  it('a disconnect revoked at the provider is 7 calls: token read, lease (returning the row), data key, audit head, MAC, delete with its entry in one transaction, anchor', async () => {
    // Prepare: a warm function (client secret and token touch behind us)
    const account = await readyAccount(ctx);
    const warm = await connectDemo(ctx.send, account.token);
    expect((await ctx.send({ method: 'DELETE', path: `/v1/connections/${warm}`, headers: bearer(account.token) })).status).toBe(204);
    const id = await connectDemo(ctx.send, account.token);
    // Act
    const { result, calls } = await countAwsCalls(() => ctx.send({ method: 'DELETE', path: `/v1/connections/${id}`, headers: bearer(account.token) }));
    // Assess
    expect(result.status).toBe(204);
    expect(names(calls)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'dynamodb:Query',
      'kms:GenerateMac',
      'dynamodb:TransactWriteItems',
      's3:PutObject',
    ]);
    expect(await rowOf(account.userId, id)).toBeUndefined();
    expect(await auditAbout(id)).toEqual([expect.objectContaining({ action: 'connections.disconnect', subject: account.userId, details: expect.objectContaining({ revokedAtProvider: true }) })]);
  });

  it('a refresh holding the lease is waited out: the delete then takes the lease, deletes and audits once', async () => {
    // Prepare: a live lease of another owner (a refresh in flight) that ends shortly
    const account = await readyAccount(ctx);
    const id = await connectDemo(ctx.send, account.token);
    await db.send(
      new UpdateCommand({
        TableName: CONNECTIONS_TABLE,
        Key: { pk: `USER#${account.userId}`, sk: `CONN#${id}` },
        UpdateExpression: 'SET leaseOwner = :o, leaseUntilMs = :u',
        ExpressionAttributeValues: { ':o': 'refresh-in-flight', ':u': Date.now() + 600 },
      }),
    );
    // Act
    const res = await ctx.send({ method: 'DELETE', path: `/v1/connections/${id}`, headers: bearer(account.token) });
    // Assess
    expect(res.status).toBe(204);
    expect(await rowOf(account.userId, id)).toBeUndefined();
    expect(await auditAbout(id)).toHaveLength(1);
  });

  it('two deletes of one connection at once: one 204, one 404, and exactly one audit entry', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    const id = await connectDemo(ctx.send, account.token);
    // Act
    const statuses = (await Promise.all([0, 1].map(() => ctx.send({ method: 'DELETE', path: `/v1/connections/${id}`, headers: bearer(account.token) })))).map((r) => r.status);
    // Assess
    expect(statuses.sort()).toEqual([204, 404]);
    expect(await auditAbout(id)).toHaveLength(1);
  });

  it('a delete whose lease was taken over writes neither the delete nor its audit entry', async () => {
    // Prepare: a row leased by someone else
    const account = await readyAccount(ctx);
    const id = await connectDemo(ctx.send, account.token);
    const key = { pk: `USER#${account.userId}`, sk: `CONN#${id}` };
    await db.send(new UpdateCommand({ TableName: CONNECTIONS_TABLE, Key: key, UpdateExpression: 'SET leaseOwner = :o', ExpressionAttributeValues: { ':o': 'someone-else' } }));
    // Act: the delete as the service makes it, by an owner that no longer holds the lease
    const attempt = audit(
      { actor: `user:${account.userId}`, action: 'connections.disconnect', subject: account.userId, details: { connection: id } },
      { Delete: { TableName: CONNECTIONS_TABLE, Key: key, ConditionExpression: 'leaseOwner = :o', ExpressionAttributeValues: { ':o': 'delete-stale' } } },
    );
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AlongsideWriteRefusedError);
    expect(await rowOf(account.userId, id)).toBeDefined();
    expect(await auditAbout(id)).toEqual([]);
  });
});
