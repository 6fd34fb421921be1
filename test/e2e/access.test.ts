import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { accessCases, withRealCustomerSession } from '../cases/access.cases';
import { emulatorDocumentClient, seedCustomer } from '../support/customers';
import { viaHttp } from '../support/http';
import { grantViaCli, opsCli } from '../support/ops';

const ACCOUNTS = 'helpshelf-local-accounts';
const AUDIT = 'helpshelf-local-audit';

describe('employee access, against the local stage', () => {
  const send = viaHttp(process.env.E2E_BASE_URL!);
  const db = emulatorDocumentClient(process.env.E2E_EMULATOR_ENDPOINT!);

  describe('over HTTP, no customer token or unauthenticated request reaches an ops action', () => {
    it.each(accessCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
      await testCase.run(send);
    });

    it('with a real, valid customer session token, no plausible ops path answers anything but 401/403/404', async () => {
      await withRealCustomerSession(send, process.env.E2E_EMULATOR_ENDPOINT!);
    });
  });

  describe('through the ops CLI (direct Lambda invocation)', () => {
    it('customers show <email> --reason "support ticket 4411" returns the record, and audit list shows the entry with an intact chain', async () => {
      // Prepare
      const customer = await seedCustomer(db, ACCOUNTS);
      await grantViaCli(customer.userId);
      // Act
      const shown = await opsCli(['customers', 'show', customer.email, '--reason', 'support ticket 4411', '--json']);
      const listed = await opsCli(['audit', 'list', '--json']);
      // Assess
      expect(shown.code).toBe(0);
      expect(shown.json.customer).toMatchObject({ id: customer.userId, email: customer.email, verified: true, billing: { status: 'active', plan: 'team' } });
      expect(shown.stdout).not.toMatch(/argon2|passwordHash/);
      expect(listed.code).toBe(0);
      expect(listed.json.chain).toEqual({ intact: true, entries: expect.any(Number), firstBreak: null });
      expect(listed.json.entries).toContainEqual(
        expect.objectContaining({ seq: shown.json.auditSeq, actor: 'local:e2e-engineer', action: 'customers.show', subject: customer.userId, reason: 'support ticket 4411' }),
      );
    });

    it('prints the record and the audit entry number for people, without --json', async () => {
      const customer = await seedCustomer(db, ACCOUNTS);
      await grantViaCli(customer.userId);
      const res = await opsCli(['customers', 'show', customer.userId, '--reason', 'INC-2041']);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(customer.email);
      expect(res.stdout).toMatch(/Recorded in the audit log as entry \d+\./);
    });

    it('without --reason, it refuses with one line and exit status 2, and writes nothing to the audit log', async () => {
      const customer = await seedCustomer(db, ACCOUNTS);
      const res = await opsCli(['customers', 'show', customer.email]);
      expect(res.code).toBe(2);
      expect(res.stderr.split('\n')[0]).toBe("error: required option '--reason <reason>' not specified");
      expect(res.stdout).not.toContain(customer.userId);
      const listed = await opsCli(['audit', 'list', '--json']);
      expect(listed.json.entries.filter((e: { subject: string }) => e.subject === customer.userId)).toEqual([]);
    });

    it('with a vague reason, the function refuses with one line and a non-zero exit', async () => {
      const customer = await seedCustomer(db, ACCOUNTS);
      const res = await opsCli(['customers', 'show', customer.email, '--reason', 'because']);
      expect(res.code).toBe(1);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/^error: The reason must name a ticket or incident/);
    });

    it('an unknown customer is a clear not-found', async () => {
      const res = await opsCli(['customers', 'show', 'nobody-at-all@example.test', '--reason', 'ticket 4411']);
      expect(res.code).toBe(1);
      expect(res.stderr.trim()).toBe('error: No customer with email nobody-at-all@example.test.');
    });

    it('insights prints aggregates, with small counts as "<5"', async () => {
      const json = await opsCli(['insights', '--json']);
      expect(json.code).toBe(0);
      expect(json.json).toMatchObject({ accounts: { total: expect.anything(), verified: expect.anything() }, incidents: { byStatus: expect.any(Object) } });
      expect(json.json.signupsPerWeek).toHaveLength(12);
      expect(json.stdout).not.toMatch(/@example\.test|usr_/);
      const text = await opsCli(['insights', '--weeks', '4']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('Signups per week:');
      expect(text.stdout).toContain('Active subscriptions by plan:');
    });

    it('customers show, audit list and insights each explain themselves with --help and exit 0', async () => {
      const commands = ['customers show', 'audit list', 'insights'];
      const results = await Promise.all(commands.map((command) => opsCli([...command.split(' '), '--help'])));
      results.forEach((res, i) => {
        expect(res.code).toBe(0);
        expect(res.stdout).toContain(`Usage: helpshelf-ops ${commands[i]}`);
      });
    });

    it('audit list --since with a bad date is one line and a non-zero exit', async () => {
      const res = await opsCli(['audit', 'list', '--since', 'last tuesday']);
      expect(res.code).toBe(1);
      expect(res.stderr.trim()).toMatch(/^error: --since must be an ISO 8601 date/);
    });

    // Last in this file, and restored at once: it breaks the stage's shared access chain on purpose.
    it('after an audit item is altered directly in the emulator, audit list reports the break (exit 3), and intact again once restored', async () => {
      // Prepare
      const customer = await seedCustomer(db, ACCOUNTS);
      await grantViaCli(customer.userId);
      const shown = await opsCli(['customers', 'show', customer.email, '--reason', 'ticket 4412', '--json']);
      expect(shown.code).toBe(0);
      const key = { pk: 'CHAIN#access', sk: `SEQ#${String(shown.json.auditSeq).padStart(12, '0')}` };
      const original = (await db.send(new GetCommand({ TableName: AUDIT, Key: key, ConsistentRead: true }))).Item!;
      expect(original.subject).toBe(customer.userId);
      try {
        // Act: hide whose record was read.
        await db.send(new UpdateCommand({ TableName: AUDIT, Key: key, UpdateExpression: 'SET subject = :s', ExpressionAttributeValues: { ':s': 'usr_someone_else' } }));
        const [broken, human] = await Promise.all([opsCli(['audit', 'list', '--json']), opsCli(['audit', 'list'])]);
        // Assess
        expect(broken.code).toBe(3);
        // A broken chain is a finding, not a failure: the JSON document is still printed.
        expect(JSON.parse(broken.stdout).chain).toMatchObject({ intact: false, firstBreak: { seq: shown.json.auditSeq, problem: 'altered' } });
        expect(human.code).toBe(3);
        expect(human.stdout.split('\n')[0]).toBe(
          `Chain: BROKEN at entry ${shown.json.auditSeq} (altered): entry ${shown.json.auditSeq} does not carry a valid MAC: changed after it was written, or not written by an audit writer`,
        );
      } finally {
        await db.send(new PutCommand({ TableName: AUDIT, Item: original }));
      }
      const restored = await opsCli(['audit', 'list', '--json']);
      expect(restored.json.chain.intact).toBe(true);
    });

    it('after the newest audit item is deleted right after it was written, audit list reports the truncation (exit 3), and intact again once restored', async () => {
      // Prepare: the read that someone wants to hide is the newest entry.
      const customer = await seedCustomer(db, ACCOUNTS);
      await grantViaCli(customer.userId);
      const shown = await opsCli(['customers', 'show', customer.email, '--reason', 'ticket 4413', '--json']);
      expect(shown.code).toBe(0);
      const key = { pk: 'CHAIN#access', sk: `SEQ#${String(shown.json.auditSeq).padStart(12, '0')}` };
      const original = (await db.send(new GetCommand({ TableName: AUDIT, Key: key, ConsistentRead: true }))).Item!;
      try {
        // Act
        await db.send(new DeleteCommand({ TableName: AUDIT, Key: key }));
        const broken = await opsCli(['audit', 'list', '--json']);
        // Assess
        expect(broken.code).toBe(3);
        // `truncated` when it is still the newest; `missing` if another test appended after it meanwhile.
        expect(JSON.parse(broken.stdout).chain).toMatchObject({ intact: false, firstBreak: { seq: shown.json.auditSeq, problem: expect.stringMatching(/^(truncated|missing)$/) } });
      } finally {
        await db.send(new PutCommand({ TableName: AUDIT, Item: original }));
      }
      const restored = await opsCli(['audit', 'list', '--json']);
      expect(restored.json.chain.intact).toBe(true);
    });
  });
});
