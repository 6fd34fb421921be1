import { isServed, queueConsumer } from '../../../scripts/lib/api-events';
import { baselineSource, sdkClientsIn } from '../../../scripts/bench/bundles';
import { floorClients, roleServices } from '../../../scripts/bench/floor';
import { percentile } from '../../../scripts/bench/stats';
import { functionConsoleRow, notMetRows, ProgressTable, validateResults, type FunctionResult } from '../../../scripts/bench/report';

const functions: Record<string, any> = { // eslint-disable-line @typescript-eslint/no-explicit-any
  me: { name: 'me', handler: 'functions/me.handler', events: [{ http: { path: '/v1/me', method: 'get' } }] },
  fallback: { name: 'fallback', handler: 'functions/fallback.handler', events: [{ http: { path: '/{proxy+}', method: 'any' } }, { http: { path: '/v1/signup', method: 'any' } }] },
  worker: { name: 'worker', handler: 'functions/worker.handler', events: [{ sqs: { arn: { 'Fn::GetAtt': ['StripeEventsQueue', 'Arn'] } } }] },
};

describe('what the bench and the reliability tables count as built', () => {
  it('when a function has the route as its own http event, the route is served', () => {
    expect(isServed(functions, 'GET /v1/me')).toBe(true);
  });

  it('when only the ANY fallback answers a route, or the method differs, the route is not served', () => {
    expect(isServed(functions, 'POST /v1/signup')).toBe(false);
    expect(isServed(functions, 'POST /v1/me')).toBe(false);
  });

  it('when a requirement is a function key, it is served when serverless.yml has the key', () => {
    expect(isServed(functions, 'fallback')).toBe(true);
    expect(isServed(functions, 'opsAudit')).toBe(false);
  });

  it('finds the queue worker by its SQS event on the queue, whatever its key', () => {
    expect(queueConsumer(functions as never, 'StripeEventsQueue')).toBe('worker');
    expect(queueConsumer(functions as never, 'OtherQueue')).toBeUndefined();
  });
});

describe('bench helpers', () => {
  it('reads the SDK clients of a bundle from its metafile inputs', () => {
    const metafile = { inputs: { 'node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js': {}, 'node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js': {}, 'lib/x.ts': {} }, outputs: {} };
    expect(sdkClientsIn(metafile as never)).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
  });

  it('builds an SDK-floor entry that constructs only those clients', () => {
    const source = baselineSource(['@aws-sdk/client-sqs']);
    expect(source).toContain("from '@aws-sdk/client-sqs'");
    expect(source).not.toContain('client-dynamodb');
  });

  it('builds the cold-start floor from the services the IAM role allows, not from the clients the bundle holds', () => {
    const def = {
      name: 'connectionsList',
      handler: 'functions/connections-list.handler',
      iamRoleStatements: [
        { Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], Resource: 'tokens' },
        { Effect: 'Allow', Action: 'dynamodb:Query', Resource: 'connections' },
        // written for someone else's calls: Lambda's runtime (X-Ray), DynamoDB's ImportTable (Logs)
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'logs:PutLogEvents'], Resource: '*' },
        { Effect: 'Deny', Action: ['kms:Decrypt'], Resource: '*' },
      ],
    };
    expect(roleServices(def)).toEqual(['dynamodb']);
    expect(floorClients(roleServices(def))).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
    expect(floorClients(['s3', 'sqs'])).toEqual(['@aws-sdk/client-s3', '@aws-sdk/client-sqs']);
    expect(roleServices({ name: 'health', handler: 'functions/health.handler' })).toEqual([]);
  });

  it('fails loudly for an IAM service it has no SDK client for, rather than leaving it out of the floor', () => {
    expect(() => floorClients(['dynamodb', 'states'])).toThrow('no SDK client is known for the IAM service "states"');
  });

  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)]).toEqual([50, 95, 99]);
  });

  it('rejects a results document that lacks the machine or the emulator latency', () => {
    expect(validateResults({ schemaVersion: 1 })).toEqual(expect.arrayContaining(['machine has cpu, cores and memory', 'emulator per-call latency']));
  });
  const fn = (key: string, clients: string[], floor: string[], ratio: number | null): FunctionResult => ({
    functionKey: key,
    bundle: { bytes: 700 * 1024, externals: [], sdkClients: clients, roleServices: [], floorClients: floor, baselineBytes: 1, packages: [] },
    coldInit: { runs: 11, medianMs: 130, baselineMedianMs: 100, ratio, target: 1.3, withinTarget: ratio === null ? null : ratio <= 1.3 },
  });

  it('the console row says which SDK clients a function loads that its role does not allow, in full', () => {
    const row = functionConsoleRow(fn('meExport', ['@aws-sdk/client-dynamodb', '@aws-sdk/client-kms', '@aws-sdk/client-secrets-manager', '@aws-sdk/lib-dynamodb'], ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'], 1.3));
    expect(row).toEqual(['meExport', '700.0 KiB', '130.00', '100.00', '1.300', 'yes', 'kms, secrets-manager']);
    const lines: string[] = [];
    new ProgressTable(['a', 'last'], [2, 3], (l) => lines.push(l)).row(['abcdef', 'a last column longer than its width']);
    expect(lines[2]).toBe('a… | a last column longer than its width');
  });

  it('the closing table lists each function over 1.3 of its floor, each client loaded for nothing and each warm target missed, and nothing else', () => {
    const rows = notMetRows({
      functions: [fn('slow', ['@aws-sdk/client-dynamodb'], ['@aws-sdk/client-dynamodb'], 1.45), fn('fine', ['@aws-sdk/client-dynamodb'], ['@aws-sdk/client-dynamodb'], 1.1), fn('extra', ['@aws-sdk/client-ses'], [], null)],
      warm: [{ name: 'password change', status: 'ok', unexpected: 0, iterations: 500, withinTarget: false, target: { max: 3 }, awsCalls: { max: 4, perRequest: [] } } as never],
    });
    expect(rows).toEqual([
      ['slow', 'cold init ≤ 1.3 × IAM floor', '1.450 (130.00 / 100.00 ms)'],
      ['extra', 'loads only what its role allows', 'also loads ses'],
      ['password change', 'AWS calls ≤ 3', '4 calls'],
    ]);
  });
});
