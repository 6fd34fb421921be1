import { loadTemplate } from '../support/template';

/** Issue 27: a trail of every request, and stores that survive a stack change. */
const template = loadTemplate();
const R = template.Resources;
const ofType = (type: string) => Object.entries(R).filter(([, r]) => r.Type === type);
const only = (type: string) => {
  const found = ofType(type);
  expect(found).toHaveLength(1);
  return found[0][1].Properties!;
};

/** Context variables of an access log that cannot carry a credential or a token. */
const SAFE_CONTEXT = new Set([
  'requestId', 'extendedRequestId', 'identity.sourceIp', 'requestTime', 'requestTimeEpoch', 'httpMethod', 'resourcePath', 'status',
  'responseLength', 'responseLatency', 'integrationLatency', 'integrationStatus', 'error.responseType', 'waf.status', 'protocol', 'stage',
]);

describe('a trail of every request (stage prod)', () => {
  it('writes an API access log line per request in JSON: request id, caller address, status, latency', () => {
    const stage = R.ApiGatewayStage.Properties!;
    expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] });
    const format = JSON.parse(stage.AccessLogSetting.Format) as Record<string, string>;
    expect(Object.values(format)).toEqual(expect.arrayContaining(['$context.requestId', '$context.identity.sourceIp', '$context.status', '$context.responseLatency']));
  });

  it('logs API execution at ERROR only, never request or response data', () => {
    const all = (R.ApiGatewayStage.Properties!.MethodSettings as Array<Record<string, unknown>>).find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*');
    expect(all).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false });
    for (const s of R.ApiGatewayStage.Properties!.MethodSettings as Array<Record<string, unknown>>) expect(s.DataTraceEnabled).not.toBe(true);
    expect(R.ApiGatewayStage.DependsOn).toEqual(expect.arrayContaining(['ApiGatewayAccount']));
    expect(only('AWS::ApiGateway::Account').CloudWatchRoleArn).toEqual({ 'Fn::GetAtt': ['ApiGatewayCloudWatchRole', 'Arn'] });
  });

  it('logs WAF decisions with the credentials, the origin secret and the query string redacted', () => {
    const logging = only('AWS::WAFv2::LoggingConfiguration');
    expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': ['ApiWebAcl', 'Arn'] });
    expect(R.ApiWafLogGroup.Properties!.LogGroupName).toMatch(/^aws-waf-logs-/);
    const redacted = (logging.RedactedFields as Array<Record<string, { Name?: string }>>).map((f) => (f.SingleHeader ? `header:${f.SingleHeader.Name!.toLowerCase()}` : Object.keys(f)[0]));
    expect(redacted).toEqual(expect.arrayContaining(['header:authorization', 'header:cookie', 'header:x-origin-verify', 'QueryString']));
  });

  it('writes CloudFront standard logs to the log bucket, without cookies', () => {
    const distribution = R.WebDistribution.Properties!.DistributionConfig;
    expect(distribution.Logging).toEqual({ Bucket: { 'Fn::GetAtt': ['AccessLogsBucket', 'DomainName'] }, Prefix: 'cloudfront/', IncludeCookies: false });
  });

  it('includes no header or field that can carry a token in any log configuration', () => {
    // API Gateway: only context variables from the list above (no $input, no headers, no
    // authorizer output, no path or query string), and no data trace.
    const format = R.ApiGatewayStage.Properties!.AccessLogSetting.Format as string;
    const variables = [...format.matchAll(/\$(\w+(?:\.\w+)*)/g)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(0);
    for (const v of variables) expect({ v, safe: v.startsWith('context.') && SAFE_CONTEXT.has(v.slice('context.'.length)) }).toEqual({ v, safe: true });
    // WAF: every field that can carry a credential redacted (the WAF logs all other headers).
    const redacted = JSON.stringify(only('AWS::WAFv2::LoggingConfiguration').RedactedFields).toLowerCase();
    for (const field of ['"authorization"', '"cookie"', '"x-origin-verify"', '"querystring"']) expect(redacted).toContain(field);
    // CloudFront: cookies never; its other fields are fixed (no Authorization).
    for (const [, d] of ofType('AWS::CloudFront::Distribution')) expect(d.Properties!.DistributionConfig.Logging?.IncludeCookies).toBe(false);
  });

  it('logs every bucket\'s access into the log bucket, which S3 may write for this account only', () => {
    const buckets = ofType('AWS::S3::Bucket').filter(([id]) => !['AccessLogsBucket', 'ServerlessDeploymentBucket'].includes(id));
    expect(buckets.length).toBeGreaterThanOrEqual(4);
    for (const [id, b] of buckets) expect({ id, target: b.Properties!.LoggingConfiguration?.DestinationBucketName }).toEqual({ id, target: { Ref: 'AccessLogsBucket' } });
    const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties!.Bucket.Ref === 'AccessLogsBucket')![1].Properties!.PolicyDocument.Statement as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const delivery = policy.find((s) => s.Principal?.Service === 'logging.s3.amazonaws.com')!;
    expect(delivery.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });
});

describe('the caller address behind CloudFront (stage prod)', () => {
  it('sends the secret origin header and the viewer address to the API origin, from a generated secret', () => {
    const config = R.WebDistribution.Properties!.DistributionConfig;
    const api = config.Origins.find((o: { Id: string }) => o.Id === 'api');
    expect(api.OriginCustomHeaders).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: '{{resolve:secretsmanager:helpshelf/prod/origin-verify:SecretString:value}}' }]);
    expect(R.OriginVerifySecret.Properties!.GenerateSecretString).toMatchObject({ GenerateStringKey: 'value', PasswordLength: 48 });
    const apiBehaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors.filter((b: { TargetOriginId: string }) => b.TargetOriginId === 'api')];
    for (const b of apiBehaviors) expect(b.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['ViewerAddressFunction', 'FunctionARN'] } }]);
    expect(R.ViewerAddressFunction.Properties!.FunctionCode).toContain("request.headers['x-viewer-ip'] = { value: event.viewer.ip }");
  });

  it('gives every function the secret to check, resolved at deploy time after the secret exists', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect({ id, secret: fn.Properties!.Environment.Variables.ORIGIN_VERIFY_SECRET }).toEqual({ id, secret: '{{resolve:secretsmanager:helpshelf/prod/origin-verify:SecretString:value}}' });
      expect({ id, after: ([] as unknown[]).concat(fn.DependsOn ?? []).includes('OriginVerifySecret') }).toEqual({ id, after: true });
    }
  });

  it("has the WAF count requests from the distribution by viewer address, and every other request by source IP", () => {
    const rules = R.ApiWebAcl.Properties!.Rules as Array<{ Name: string; Statement: { RateBasedStatement: Record<string, any> } }>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const verified = JSON.stringify({ SingleHeader: { Name: 'x-origin-verify' } });
    for (const name of ['rate-limit-credentials', 'rate-limit-all']) {
      const viewer = rules.find((r) => r.Name === `${name}-viewer`)!.Statement.RateBasedStatement;
      const direct = rules.find((r) => r.Name === name)!.Statement.RateBasedStatement;
      expect(viewer).toMatchObject({ AggregateKeyType: 'FORWARDED_IP', ForwardedIPConfig: { HeaderName: 'X-Viewer-Ip', FallbackBehavior: 'MATCH' } });
      expect(direct.AggregateKeyType).toBe('IP');
      expect(viewer.Limit).toBe(direct.Limit);
      expect(JSON.stringify(viewer.ScopeDownStatement)).toContain(verified);
      expect(JSON.stringify(direct.ScopeDownStatement)).toContain(`{"NotStatement":{"Statement":{"ByteMatchStatement":{"FieldToMatch":${verified}`);
    }
  });
});

describe('keys and secrets that survive (stage prod)', () => {
  const STORES = ['AWS::SecretsManager::Secret', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key'];

  it('retains every secret, table, bucket and key on delete and on replacement', () => {
    const stores = Object.entries(R).filter(([id, r]) => STORES.includes(r.Type) && id !== 'ServerlessDeploymentBucket');
    expect(stores.map(([id]) => id)).toEqual(expect.arrayContaining(['PasswordPepperSecret', 'StripeWebhookSecret', 'ConnectionClientSecrets', 'DataKey', 'AccountsTable', 'InboundBucket']));
    for (const [id, r] of stores) {
      const policies = r as { DeletionPolicy?: string; UpdateReplacePolicy?: string };
      expect({ id, deletion: policies.DeletionPolicy, replace: policies.UpdateReplacePolicy }).toEqual({ id, deletion: 'Retain', replace: 'Retain' });
    }
  });
});
