import { capacityOf } from '../../../scripts/bench/capacity';
import { benchChart } from '../../../scripts/bench/chart';
import { callTypeMedians, floorMs, requestCost } from '../../../scripts/bench/cost';
import { PRICES } from '../../../scripts/bench/prices';
import { floorRow, warmRow, type BenchResults } from '../../../scripts/bench/report';
import type { WarmResult } from '../../../scripts/bench/warm';

describe('DynamoDB capacity per call, by the billing rules (the emulator reports fixed placeholders)', () => {
  it('a strongly consistent read of a small item is 1 RRU, eventually consistent 0.5, a 9 KB item 3, a miss still its minimum', () => {
    expect(capacityOf('GetItemCommand', { ConsistentRead: true }, { Item: { pk: 'USER#1' } })).toEqual({ read: 1, write: 0 });
    expect(capacityOf('GetItemCommand', {}, { Item: { pk: 'USER#1' } })).toEqual({ read: 0.5, write: 0 });
    expect(capacityOf('GetItemCommand', { ConsistentRead: true }, { Item: { blob: 'x'.repeat(9000) } })).toEqual({ read: 3, write: 0 });
    expect(capacityOf('GetItemCommand', { ConsistentRead: true }, {})).toEqual({ read: 1, write: 0 });
  });

  it('a transaction costs twice its items, a condition check in read units, a batch get one read per key', () => {
    const tx = { TransactItems: [{ Put: { Item: { pk: 'a' } } }, { Update: {} }, { ConditionCheck: {} }] };
    expect(capacityOf('TransactWriteItemsCommand', tx, {})).toEqual({ read: 2, write: 4 });
    const batch = { RequestItems: { tokens: { Keys: [{}, {}], ConsistentRead: true }, accounts: { Keys: [{}] } } };
    expect(capacityOf('BatchGetItemCommand', batch, { Responses: { tokens: [{ pk: 't' }], accounts: [{ pk: 'u' }] } })).toEqual({ read: 2.5, write: 0 });
  });

  it('a 2.5 KB put is 3 WRU; an update or delete with no returned attributes 1', () => {
    expect(capacityOf('PutItemCommand', { Item: { body: 'x'.repeat(2500) } }, {})).toEqual({ read: 0, write: 3 });
    expect(capacityOf('UpdateItemCommand', {}, {})).toEqual({ read: 0, write: 1 });
  });
});

describe('the floor of a route', () => {
  const medians = callTypeMedians([
    { service: 'dynamodb', command: 'GetItemCommand', ms: 4 },
    { service: 'dynamodb', command: 'GetItemCommand', ms: 6 },
    { service: 'dynamodb', command: 'GetItemCommand', ms: 100 },
    { service: 'sqs', command: 'SendMessageCommand', ms: 3 },
    { service: 'sqs', command: 'SendMessageCommand' }, // failed before timing: not a sample
  ]);

  it('is the median of each call type it makes, in sequence, plus argon2id per hash or verify', () => {
    expect(medians['dynamodb:GetItem']).toEqual({ medianMs: 6, calls: 3 });
    expect(medians['sqs:SendMessage']).toEqual({ medianMs: 3, calls: 1 });
    expect(floorMs(['dynamodb:GetItem', 'sqs:SendMessage'], medians, 0, null)).toBe(9);
    expect(floorMs(['dynamodb:GetItem'], medians, 2, 10)).toBe(26);
  });

  it('is unknown rather than flattering when a call type or the argon2 time was not measured', () => {
    expect(floorMs(['dynamodb:Query'], medians, 0, null)).toBeNull();
    expect(floorMs([], medians, 1, null)).toBeNull();
  });
});

describe('cost per request', () => {
  it('adds Lambda GB-s at the memory and billed duration, API Gateway, DynamoDB units, and each SQS, SES and Secrets Manager call', () => {
    const cost = requestCost({ perRequest: ['dynamodb:PutItem', 'sqs:SendMessage', 'ses:SendEmail', 'secrets-manager:GetSecretValue'], readUnits: 2, writeUnits: 3, durationMs: 19.2, memoryMb: 512, viaApiGateway: true });
    const expected =
      0.5 * 0.02 * PRICES.lambdaArmPerGbSecond + PRICES.lambdaPerRequest + PRICES.apiGatewayRestPerRequest + 2 * PRICES.dynamodbPerReadRequestUnit + 3 * PRICES.dynamodbPerWriteRequestUnit + PRICES.sqsPerRequest + PRICES.sesPerEmail + PRICES.secretsManagerPerCall;
    expect(cost.lambdaGbSeconds).toBe(0.01);
    expect(cost.usdPerMillion).toBeCloseTo(expected * 1e6, 3);
    expect(Object.values(cost.usdPerMillionParts).reduce((a, b) => a + b, 0)).toBeCloseTo(cost.usdPerMillion, 3);
    expect(cost.usdPerMillionParts.ses).toBeCloseTo(100, 6);
  });
});

describe('a scenario with unexpected outcomes', () => {
  const w: WarmResult = { name: 'password reset', method: 'POST', path: '/v1/password/reset', status: 'ok', iterations: 500, unexpected: 498, p50Ms: 5.6, p95Ms: 23.9, p99Ms: 26.1, awsCalls: { median: 2, max: 2, sesMax: 0, perRequest: [] }, floorMs: 10, floorRatio: 0.56, usdPerMillion: 5 };

  it('is marked in every table and drawn in red in the chart', () => {
    expect(warmRow(w, null)[0]).toBe('UNEXPECTED: password reset');
    expect(warmRow(w, null)[2]).toBe('500 (498 unexpected)');
    expect(floorRow(w)[0]).toMatch(/^UNEXPECTED: /);
    const chart = benchChart({ generatedAt: '2026-12-02T06:00:00Z', machine: { cpuModel: 'cpu', cores: 2, memoryGiB: 4, platform: 'linux', arch: 'x64' }, node: 'v22.23.3', warm: [w], functions: [] } as unknown as BenchResults);
    expect(chart).toContain('fill="#b00">password reset (UNEXPECTED)</text>');
    expect(chart.startsWith('<svg')).toBe(true);
  });
});
