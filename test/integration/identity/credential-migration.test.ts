import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditStore } from '../../../lib/audit';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import type { MigrationPage } from '../../../lib/identity/credential-migration';
import { lockOf, login, mailsTo, newIp, readyAccount, userItem } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';
import { invokeOps } from '../../support/ops';

/**
 * The one-off credential migration (opsAccountsMigration `migrate-credentials`) on legacy-shaped
 * accounts in the emulator: before, the account cannot log in (the hash is on the user item and
 * login reads only the credential item); after, it can; a second run changes nothing; a newer
 * credential, already there or written while the migration runs, is never overwritten.
 */
const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
const ACCOUNTS = process.env.ACCOUNTS_TABLE!;
const REASON = 'OPS-13 credential migration';

/** A verified account turned into the legacy shape: the hash on the user item, the lock only { userId, email, emailVerified }. */
async function legacyAccount() {
  const account = await readyAccount(ctx);
  const lock = (await lockOf(ctx, account.email))!;
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        { Update: { TableName: ACCOUNTS, Key: { pk: `USER#${account.userId}`, sk: 'PROFILE' }, UpdateExpression: 'SET passwordHash = :h', ExpressionAttributeValues: { ':h': lock.passwordHash } } },
        { Update: { TableName: ACCOUNTS, Key: { pk: `EMAIL#${account.email}`, sk: 'LOCK' }, UpdateExpression: 'REMOVE passwordHash, credentialVersion, verifyMailMs, sessionSeq, sessionIds' } },
      ],
    }),
  );
  return { ...account, hash: lock.passwordHash as string };
}

/** Every page, to the end of the table. */
async function migrateAll(args: Record<string, unknown> = { reason: REASON }) {
  const pages: MigrationPage[] = [];
  let from: string | undefined;
  do {
    const outcome = await invokeOps('opsAccountsMigration', 'migrate-credentials', { ...args, from, pageSize: 1000 });
    if (!outcome.ok) return { refused: outcome.error, pages };
    const page = outcome.result as MigrationPage;
    pages.push(page);
    from = page.nextCursor ?? undefined;
  } while (from);
  return { refused: undefined, pages };
}

describe('accounts migrate-credentials (the legacy hash moved onto the credential item)', () => {
  it('before it, a legacy account cannot log in nor get a reset link; after it, it logs in; a second run changes nothing', async () => {
    // Prepare
    const legacy = await legacyAccount();
    expect((await login(ctx, legacy.email, legacy.password)).status).toBe(401);
    const before = (await mailsTo(ctx, legacy.email)).length;
    expect((await ctx.send({ method: 'POST', path: '/v1/password/reset-request', body: { email: legacy.email }, sourceIp: newIp() })).status).toBe(202);
    const resetMails = (await mailsTo(ctx, legacy.email)).slice(before);
    expect(resetMails.map((m) => /hs_rst_/.test(m.body))).toEqual([false]); // mailed as an unknown address
    // Act
    const first = await migrateAll();
    // Assess
    expect(first.refused).toBeUndefined();
    expect(first.pages.reduce((n, p) => n + p.outcomes.migrated, 0)).toBeGreaterThanOrEqual(1);
    const lock = await lockOf(ctx, legacy.email);
    expect(lock).toMatchObject({ userId: legacy.userId, passwordHash: legacy.hash, credentialVersion: 0, emailVerified: true });
    expect(await userItem(ctx, legacy.userId)).not.toHaveProperty('passwordHash');
    expect((await login(ctx, legacy.email, legacy.password)).status).toBe(201);
    // Re-running changes nothing: the account no longer matches, its credential stays as it is.
    const settled = await lockOf(ctx, legacy.email);
    const again = await migrateAll();
    expect(again.pages.every((p) => p.leftAlone.every((a) => a.userId !== legacy.userId))).toBe(true);
    expect(await lockOf(ctx, legacy.email)).toEqual(settled);
    // Each page was audited with the reason, before it read.
    const entries: Array<{ reason?: string }> = [];
    for await (const entry of auditStore().all()) if (entry.action === 'accounts.migrate-credentials' && entry.reason === REASON) entries.push(entry);
    expect(entries.length).toBeGreaterThanOrEqual(first.pages.length + again.pages.length);
  });

  it('when the credential item already holds a newer password, it is kept; the user item only loses its stale copy', async () => {
    // Prepare: the old password's hash on the user item, a newer credential (version 1) on the lock
    const account = await readyAccount(ctx);
    const lock = (await lockOf(ctx, account.email))!;
    const other = await readyAccount(ctx); // a hash of another password, made by the real hasher
    const otherHash = (await lockOf(ctx, other.email))!.passwordHash;
    await documentClient.send(new UpdateCommand({ TableName: ACCOUNTS, Key: { pk: `USER#${account.userId}`, sk: 'PROFILE' }, UpdateExpression: 'SET passwordHash = :h', ExpressionAttributeValues: { ':h': otherHash } }));
    // Act
    await migrateAll();
    // Assess
    expect(await lockOf(ctx, account.email)).toEqual(lock);
    expect(await userItem(ctx, account.userId)).not.toHaveProperty('passwordHash');
    expect((await login(ctx, account.email, account.password)).status).toBe(201);
    expect((await login(ctx, account.email, other.password)).status).toBe(401);
  });

  it('when a password is set while the migration runs, the newer credential is not overwritten', async () => {
    // Prepare
    const legacy = await legacyAccount();
    const newer = await readyAccount(ctx);
    const newerHash = (await lockOf(ctx, newer.email))!.passwordHash;
    const send = documentClient.send.bind(documentClient) as (command: unknown) => Promise<unknown>;
    const spy = jest.spyOn(documentClient, 'send').mockImplementation((async (command: { constructor: { name: string }; input: unknown }) => {
      if (command.constructor.name === 'TransactWriteCommand' && JSON.stringify(command.input).includes(`"EMAIL#${legacy.email}"`)) {
        // Just before the migration's write: a new credential lands on the lock (version 1).
        await send(new UpdateCommand({ TableName: ACCOUNTS, Key: { pk: `EMAIL#${legacy.email}`, sk: 'LOCK' }, UpdateExpression: 'SET passwordHash = :h, credentialVersion = :one', ConditionExpression: 'attribute_not_exists(passwordHash)', ExpressionAttributeValues: { ':h': newerHash, ':one': 1 } }));
      }
      return send(command);
    }) as never);
    try {
      // Act
      await migrateAll();
    } finally {
      spy.mockRestore();
    }
    // Assess: the newer credential stands; the old password does not log in, the newer one does
    expect(await lockOf(ctx, legacy.email)).toMatchObject({ passwordHash: newerHash, credentialVersion: 1 });
    expect((await login(ctx, legacy.email, legacy.password)).status).toBe(401);
    expect((await login(ctx, legacy.email, newer.password)).status).toBe(201);
  });

  it.each([
    ['no reason', {}, 'reason_required'],
    ['a reason without a reference', { reason: 'migrating the old accounts' }, 'reason_too_vague'],
    ['a cursor it did not print', { reason: REASON, from: Buffer.from('{"pk":1}').toString('base64url') }, 'invalid_cursor'],
  ])('when given %s, it refuses with a 400 and migrates nothing', async (_label, args, code) => {
    const legacy = await legacyAccount();
    const outcome = await invokeOps('opsAccountsMigration', 'migrate-credentials', args);
    expect(outcome).toMatchObject({ ok: false, error: { status: 400, code } });
    expect(await lockOf(ctx, legacy.email)).not.toHaveProperty('passwordHash');
    expect(await userItem(ctx, legacy.userId)).toHaveProperty('passwordHash', legacy.hash);
  });
});
