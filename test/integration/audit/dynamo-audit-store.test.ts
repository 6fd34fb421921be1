import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { appendAuditEntry, verifyChain } from '../../../lib/audit/audit-log';
import { dynamoAuditStore } from '../../../lib/audit/dynamo-audit-store';

// A chain of its own, so tampering here never disturbs the stage's access chain other tests use.
const chain = `test-${Date.now()}`;

describe('the audit log on DynamoDB (emulator)', () => {
  const store = dynamoAuditStore(process.env.AUDIT_TABLE!, chain);

  it('appends under concurrency with no lost or duplicated entries, and verifies', async () => {
    const written = await Promise.all(
      Array.from({ length: 10 }, (_, i) => appendAuditEntry(store, { actor: 'local:test', action: 'test.append', subject: `s-${i}` }, () => new Date().toISOString())),
    );
    const report = await verifyChain(store);
    expect(report.entries.length).toBe(10);
    expect(new Set(written.map((w) => w.seq)).size).toBe(10);
    expect(report.intact).toBe(true);
  });

  it('when an item is altered directly in the table, verification names it', async () => {
    const entry = await appendAuditEntry(store, { actor: 'local:test', action: 'test.tamper', subject: 'victim' }, () => new Date().toISOString());
    await documentClient.send(
      new UpdateCommand({
        TableName: process.env.AUDIT_TABLE!,
        Key: { pk: `CHAIN#${chain}`, sk: `SEQ#${String(entry.seq).padStart(12, '0')}` },
        UpdateExpression: 'SET subject = :s',
        ExpressionAttributeValues: { ':s': 'someone-else' },
      }),
    );
    const report = await verifyChain(store);
    expect(report.intact).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: entry.seq, problem: 'altered' });
  });
});
