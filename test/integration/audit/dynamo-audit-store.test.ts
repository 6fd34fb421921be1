import { createHash } from 'node:crypto';
import { CreateKeyCommand, GenerateMacCommand } from '@aws-sdk/client-kms';
import { DeleteObjectCommand, GetObjectLockConfigurationCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { kmsClient } from '../../../lib/platform/aws/kms';
import { s3Client } from '../../../lib/platform/aws/s3';
import { AlongsideWriteRefusedError, appendAuditEntry, contentDigest, hashEntry, verifyChain, type AuditChain, type AuditEntry } from '../../../lib/audit/audit-log';
import { dynamoAuditStore } from '../../../lib/audit/dynamo-audit-store';
import { kmsChainMac } from '../../../lib/audit/kms-chain-mac';
import { s3AuditAnchors } from '../../../lib/audit/s3-audit-anchors';

const TABLE = process.env.AUDIT_TABLE!;
const BUCKET = process.env.AUDIT_ANCHOR_BUCKET!;
const KEY = process.env.AUDIT_MAC_KEY!;
const now = () => new Date().toISOString();
const keyOf = (chain: string, seq: number) => ({ pk: `CHAIN#${chain}`, sk: `SEQ#${String(seq).padStart(12, '0')}` });

// Each test a chain of its own (same table, key and bucket as the stage), so tampering here never
// disturbs the stage's access chain other tests use.
let n = 0;
function chainNamed(): { name: string; chain: AuditChain } {
  const name = `test-${Date.now()}-${(n += 1)}`;
  return { name, chain: { store: dynamoAuditStore(TABLE, name), mac: kmsChainMac(KEY), anchors: s3AuditAnchors(BUCKET, name) } };
}

async function written(chain: AuditChain, count: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = 0; i < count; i += 1) out.push(await appendAuditEntry(chain, { actor: 'local:test', action: 'test.append', subject: `s-${i}` }, now));
  return out;
}

describe('the audit chain on the emulator: DynamoDB entries, KMS HMAC key, S3 Object Lock anchors', () => {
  it('appends under concurrency with no lost or duplicated entries, every one keyed and anchored, and verifies', async () => {
    const { name, chain } = chainNamed();
    const entries = await Promise.all(Array.from({ length: 10 }, (_, i) => appendAuditEntry(chain, { actor: 'local:test', action: 'test.append', subject: `s-${i}` }, now)));
    const report = await verifyChain(chain);
    expect(report.firstBreak).toBeUndefined();
    expect(report.entries.length).toBe(10);
    expect(new Set(entries.map((w) => w.seq)).size).toBe(10);
    const listed = await s3Client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `anchors/${name}/` }));
    expect(listed.Versions?.length).toBe(10);
  });

  it('a write audited alongside commits with its entry in one transaction; when the sequence number is taken, neither is written and the retry commits both', async () => {
    // Prepare: a chain of one, and an item the audited action deletes (in the audit table, under a key of its own)
    const { name, chain } = chainNamed();
    await written(chain, 1);
    const item = { pk: `ALONGSIDE#${name}`, sk: 'ITEM' };
    await documentClient.send(new PutCommand({ TableName: TABLE, Item: item }));
    const alongside = { Delete: { TableName: TABLE, Key: item, ConditionExpression: 'attribute_exists(pk)' } };
    const [first] = await written(chainNamed().chain, 1);
    // Act: an insert whose sequence number is taken (1), then the append
    const taken = await chain.store.insert({ ...first, seq: 1 }, alongside);
    const stillThere = await documentClient.send(new GetCommand({ TableName: TABLE, Key: item, ConsistentRead: true }));
    const entry = await appendAuditEntry(chain, { actor: 'local:test', action: 'test.delete', subject: name }, now, 5, alongside);
    // Assess
    expect(taken).toBe(false);
    expect(stillThere.Item).toBeDefined();
    expect(entry.seq).toBe(2);
    expect((await documentClient.send(new GetCommand({ TableName: TABLE, Key: item, ConsistentRead: true }))).Item).toBeUndefined();
    expect((await verifyChain(chain)).intact).toBe(true);
    // The same delete again is refused (the item is gone): nothing more is appended.
    await expect(appendAuditEntry(chain, { actor: 'local:test', action: 'test.delete', subject: name }, now, 5, alongside)).rejects.toBeInstanceOf(AlongsideWriteRefusedError);
    expect((await chain.store.latest())?.seq).toBe(2);
  });

  it('when an item is altered directly in the table, verification names it', async () => {
    const { name, chain } = chainNamed();
    const [entry] = await written(chain, 2);
    await documentClient.send(new UpdateCommand({ TableName: TABLE, Key: keyOf(name, entry.seq), UpdateExpression: 'SET subject = :s', ExpressionAttributeValues: { ':s': 'someone-else' } }));
    expect(await verifyChain(chain)).toMatchObject({ intact: false, firstBreak: { seq: 1, problem: 'altered' } });
  });

  it('when a table writer rewrites an entry and recomputes the chain after it with plain SHA-256 (PutItem overwrites), it is detected', async () => {
    const { name, chain } = chainNamed();
    const entries = await written(chain, 3);
    let prevHash = entries[0].hash;
    for (const entry of entries.slice(1)) {
      const { alg: _alg, ...plain } = { ...entry, prevHash, subject: entry.seq === 2 ? 'someone-else' : entry.subject };
      const forged = { ...plain, hash: hashEntry(plain) };
      await documentClient.send(new PutCommand({ TableName: TABLE, Item: { ...keyOf(name, entry.seq), ...forged } }));
      prevHash = forged.hash;
    }
    expect(await verifyChain(chain)).toMatchObject({ intact: false, firstBreak: { seq: 2, problem: 'downgraded' } });
  });

  it('when a forged entry carries a MAC made with another KMS HMAC key, it is detected', async () => {
    const { name, chain } = chainNamed();
    const [first] = await written(chain, 2);
    // The forger holds an HMAC key of their own in the same account, but not GenerateMac on the audit key.
    const own = await kmsClient.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
    const base = { actor: 'local:test', action: 'test.append', subject: 'someone-else', seq: 2, at: now(), prevHash: first.hash, alg: 'kms-hmac-sha256' as const };
    const mac = await kmsClient.send(new GenerateMacCommand({ KeyId: own.KeyMetadata!.KeyId!, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(contentDigest(base)) }));
    await documentClient.send(new PutCommand({ TableName: TABLE, Item: { ...keyOf(name, 2), ...base, hash: Buffer.from(mac.Mac!).toString('hex') } }));
    expect(await verifyChain(chain)).toMatchObject({ intact: false, firstBreak: { seq: 2, problem: 'altered' } });
  });

  it('when the newest entry is deleted right after it was written, the anchor reports the truncation', async () => {
    const { name, chain } = chainNamed();
    const entries = await written(chain, 3);
    await documentClient.send(new DeleteCommand({ TableName: TABLE, Key: keyOf(name, entries[2].seq) }));
    expect(await verifyChain(chain)).toMatchObject({ intact: false, entries: entries.slice(0, 2), firstBreak: { seq: 3, problem: 'truncated' } });
  });

  it('anchors live in a compliance-mode Object Lock bucket: deleting an anchor version is refused and it stays', async () => {
    const { name, chain } = chainNamed();
    await written(chain, 1);
    const lock = await s3Client.send(new GetObjectLockConfigurationCommand({ Bucket: BUCKET }));
    expect(lock.ObjectLockConfiguration).toMatchObject({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE' } } });
    const listed = await s3Client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `anchors/${name}/` }));
    const version = listed.Versions![0];
    const refused = await s3Client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: version.Key!, VersionId: version.VersionId! })).then(() => undefined, (e: unknown) => e);
    // 403 (moto answers it without an error body, hence no error name to assert on).
    expect(refused).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    const after = await s3Client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `anchors/${name}/` }));
    expect(after.Versions?.map((v) => v.VersionId)).toEqual([version.VersionId]);
    expect(await verifyChain(chain)).toMatchObject({ intact: true });
  });

  it('the MAC is made by KMS with the stage key: the same digest verifies under that key only', async () => {
    const mac = kmsChainMac(KEY);
    const digest = createHash('sha256').update('entry').digest('hex');
    const tag = await mac.generate(digest);
    expect(tag).toMatch(/^[0-9a-f]{64}$/);
    expect(await mac.verify(digest, tag)).toBe(true);
    expect(await mac.verify(createHash('sha256').update('other').digest('hex'), tag)).toBe(false);
    expect(await mac.verify(digest, 'not-a-mac')).toBe(false);
  });
});
