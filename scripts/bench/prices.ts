/**
 * The price table the bench turns counts into dollars with. Dated and per region: prices change,
 * so a result names the table it used. On-demand list prices, no free tier, no savings plans.
 * DynamoDB on-demand: AWS halved on-demand throughput prices on 2024-11-01 (eu-west-1 was
 * $1.4135 per million WRU and $0.283 per million RRU before). Check the AWS pricing pages before
 * planning a budget on these numbers.
 */
export const PRICES = {
  asOf: '2026-12-02',
  region: 'eu-west-1',
  currency: 'USD',
  sources: [
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/api-gateway/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/ses/pricing/',
    'https://aws.amazon.com/kms/pricing/',
    'https://aws.amazon.com/secrets-manager/pricing/',
  ],
  /** Lambda, arm64: per GB-second of duration (billed per ms) and per request. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  /** API Gateway REST API, first 333 million requests a month. */
  apiGatewayRestPerRequest: 3.5 / 1e6,
  /** DynamoDB on-demand, Standard table class. */
  dynamodbPerWriteRequestUnit: 0.70675 / 1e6,
  dynamodbPerReadRequestUnit: 0.1415 / 1e6,
  /** SQS standard queue, per request (64 KB chunk). */
  sqsPerRequest: 0.4 / 1e6,
  /** SES outbound email, per message. */
  sesPerEmail: 0.1 / 1000,
  /** KMS symmetric requests. */
  kmsPerRequest: 0.03 / 10_000,
  /** Secrets Manager API calls. */
  secretsManagerPerCall: 0.05 / 10_000,
} as const;
