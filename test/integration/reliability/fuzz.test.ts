import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import routesTable from '../../../lib/http/routes.json';
import { viaHandlerUnregistered as viaHandler, type TestRequest } from '../../support/http';
import { startPrivateEmulator, useEndpoint, type PrivateEmulator } from '../../support/private-emulator';
import { TEST_WEBHOOK_SECRET } from '../../support/secrets';
import { registeredSecrets } from '../../support/leak-scan';
import { SECRETS_REGISTRY } from '../../support/secrets-registry';
import { closeSnapshotClients, forbiddenIn, problemsWith, requestFor, snapshot, unknownRouteRequest, type FuzzTarget } from './fuzz-support';

/**
 * Property-based fuzzing of EVERY public route in lib/http/routes.json (so it grows as routes
 * merge), in-process, against an emulator of this file's own so that every write is visible.
 * Each run is a batch of requests; after a batch in which every request was rejected (>= 400),
 * the data must be exactly as before it.
 * FUZZ_REQUESTS sets the total number of requests (default 2000), spread over the routes.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 2000);
const BATCH = 25;
const targets: Array<{ name: string; arbitrary: fc.Arbitrary<TestRequest> }> = [
  ...(routesTable.routes as FuzzTarget[]).map((r) => ({ name: `${r.method} ${r.path}`, arbitrary: requestFor(r) })),
  { name: 'paths no route serves', arbitrary: unknownRouteRequest },
];
const runsPerTarget = Math.max(4, Math.ceil(TOTAL / targets.length / BATCH));

let emulator: PrivateEmulator;
const compared = { batches: 0, skippedWithAcceptedRequest: 0 };

beforeAll(async () => {
  emulator = await startPrivateEmulator();
  useEndpoint(emulator.endpoint);
}, 60_000);

afterAll(async () => {
  closeSnapshotClients();
  await emulator?.stop();
});

describe('fuzzing every public route in-process', () => {
  it.each(targets.map((t) => [t.name, t] as const))(
    'when %s gets random methods, headers, bodies and encodings, it never answers 5xx or shows internals, errors keep the API.md shape, and rejected requests change no data',
    async (_name, target) => {
      const secrets = [TEST_WEBHOOK_SECRET, ...registeredSecrets(SECRETS_REGISTRY, Number(process.env.HELPSHELF_TEST_RUN_STARTED ?? 0)).map((s) => s.value)];
      const forbidden = forbiddenIn(process.env, secrets);
      await fc.assert(
        fc.asyncProperty(fc.array(target.arbitrary, { minLength: BATCH, maxLength: BATCH }), async (requests) => {
          const before = await snapshot(emulator.endpoint, process.env);
          let accepted = 0;
          for (const request of requests) {
            const res = await viaHandler(request);
            const problems = problemsWith(res, forbidden);
            if (problems.length) throw new Error(`${request.method} ${request.path}: ${problems.join('; ')}`);
            if (res.status < 400) accepted += 1;
          }
          if (accepted > 0) {
            compared.skippedWithAcceptedRequest += 1;
            return;
          }
          compared.batches += 1;
          expect(await snapshot(emulator.endpoint, process.env)).toEqual(before);
        }),
        // endOnFailure: report the first failing batch (its seed and requests) rather than shrink
        // batches for minutes; the thrown message names the offending request.
        { numRuns: runsPerTarget, endOnFailure: true },
      );
    },
    60_000,
  );

  it('when the fuzzing is done, at least one all-rejected batch had its data compared', () => {
    expect(compared.batches).toBeGreaterThan(0);
  });

  it('when something is written, the data snapshot sees it (the comparison above can fail)', async () => {
    // Prepare
    const before = await snapshot(emulator.endpoint, process.env);
    const common = { endpoint: emulator.endpoint, region: process.env.AWS_REGION };
    // Act: one item in a table and one sent mail, the kinds of write a rejected request must not make
    await new DynamoDBClient(common).send(new PutItemCommand({ TableName: process.env.ACCOUNTS_TABLE, Item: { pk: { S: `FUZZ#${randomUUID()}` }, sk: { S: 'X' } } }));
    await new SESClient(common).send(
      new SendEmailCommand({ Source: process.env.OPS_EMAIL!, Destination: { ToAddresses: ['fuzz@helpshelf.test'] }, Message: { Subject: { Data: 'probe' }, Body: { Text: { Data: 'probe' } } } }),
    );
    // Assess
    const after = await snapshot(emulator.endpoint, process.env);
    expect(after.ACCOUNTS_TABLE).toBe(before.ACCOUNTS_TABLE + 1);
    expect(after.mailSent).toBe(before.mailSent + 1);
  });
});
