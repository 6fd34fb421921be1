import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentClient } from '../../../lib/platform/aws/dynamodb';
import { kmsClient } from '../../../lib/platform/aws/kms';
import { login, newIp, readyAccount } from '../../cases/identity.cases';
import { addPasskey } from '../../cases/passkeys.cases';
import { viaHandler } from '../../support/http';
import { TEST_STAGE_DIR } from '../../support/paths';
import { SoftAuthenticator } from '../../support/webauthn';

const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR!, origin: process.env.PASSKEY_ORIGIN! };

async function dynamoCalls(act: () => Promise<unknown>): Promise<string[]> {
  const dynamo = jest.spyOn(documentClient, 'send');
  const kms = jest.spyOn(kmsClient, 'send');
  try {
    await act();
    return [...dynamo.mock.calls.map(([command]) => command.constructor.name), ...kms.mock.calls.map(([command]) => command.constructor.name)];
  } finally {
    dynamo.mockRestore();
    kms.mockRestore();
  }
}

async function passkeySignIn(phone: SoftAuthenticator): Promise<number> {
  const options = await ctx.send({ method: 'POST', path: '/v1/sessions/passkey-options' });
  const res = await ctx.send({ method: 'POST', path: '/v1/sessions/passkey', body: { challengeId: options.json.challengeId, response: phone.get(options.json.options) }, sourceIp: newIp() });
  return res.status;
}

describe('AWS requests of a passkey sign-in against a password sign-in (warm functions)', () => {
  it('a passkey sign-in is two calls: the options (one PutItem) and the assertion (six DynamoDB requests; no KMS, no argon2); a password sign-in is one call of three', async () => {
    // Prepare
    const account = await readyAccount(ctx);
    const phone = new SoftAuthenticator(ctx.origin);
    expect((await addPasskey(ctx, account.token, phone, 'phone')).status).toBe(201);
    expect(await passkeySignIn(phone)).toBe(201); // warm both functions
    // Act
    const password = await dynamoCalls(async () => expect((await login(ctx, account.email, account.password, newIp())).status).toBe(201));
    const passkey = await dynamoCalls(async () => expect(await passkeySignIn(phone)).toBe(201));
    // Assess
    expect(password).toEqual(['TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand']);
    expect(passkey).toEqual(['PutCommand', 'DeleteCommand', 'GetCommand', 'UpdateCommand', 'GetCommand', 'GetCommand', 'TransactWriteCommand']);

    // Measured, not asserted (a loaded machine): in-process latency of each way, written for the report.
    const times = async (fn: () => Promise<unknown>) => {
      const out: number[] = [];
      for (let i = 0; i < 15; i += 1) {
        const start = performance.now();
        await fn();
        out.push(performance.now() - start);
      }
      return out.sort((a, b) => a - b);
    };
    const pw = await times(() => login(ctx, account.email, account.password, newIp()));
    const pk = await times(() => passkeySignIn(phone));
    writeFileSync(path.join(TEST_STAGE_DIR, 'passkey-vs-password.json'), JSON.stringify({ passwordMs: pw, passkeyMs: pk }, null, 2));
  });
});
