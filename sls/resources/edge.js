// The API's edge on deployed stages: the REST API stage as a resource of its own, with stage-wide
// and per-route throttling, and an AWS WAF web ACL with rate-based rules associated to it.
//
// The Serverless Framework creates the stage implicitly (AWS::ApiGateway::Deployment StageName),
// and a Deployment's StageDescription is applied only when the stage is first created: a later
// deploy would not update the throttling. So the stage is declared here (AWS::ApiGateway::Stage,
// the logical id the framework reserves for it) and the generated Deployment loses its StageName;
// each deploy's new Deployment moves the stage through DeploymentId, as SAM does.
// An existing stack whose stage was created by a Deployment needs that stage deleted once before
// this update (CloudFormation cannot adopt it): docs/edge.md.
//
// The local stage (serverless-offline) has no API Gateway: nothing is declared there.

/** Requests per second (steady) and burst, stage-wide and for the routes worth holding tighter. */
const STAGE_THROTTLE = { rate: 100, burst: 200 };
const ROUTE_THROTTLES = [
  // Credential endpoints: login and current-password guessing, signup and reset mail.
  { method: 'POST', path: '/v1/sessions', rate: 10, burst: 20 },
  { method: 'POST', path: '/v1/password', rate: 5, burst: 10 },
  { method: 'POST', path: '/v1/signup', rate: 5, burst: 10 },
  { method: 'POST', path: '/v1/signup/verify', rate: 5, burst: 10 },
  { method: 'POST', path: '/v1/password/reset-request', rate: 5, burst: 10 },
  { method: 'POST', path: '/v1/password/reset', rate: 5, burst: 10 },
  { method: 'POST', path: '/v1/tokens', rate: 5, burst: 10 },
  // Reports are rare; Stripe retries what is throttled (it treats a 429 as a failed delivery).
  { method: 'POST', path: '/v1/incidents', rate: 2, burst: 5 },
  { method: 'POST', path: '/v1/webhooks/stripe', rate: 50, burst: 100 },
];

/**
 * WAF rate-based rules: requests per caller address per 5-minute window, then blocked (403) until
 * it drops. Behind CloudFront the source IP is an edge server, so requests that carry the
 * distribution's secret origin header are counted by the viewer address CloudFront put in
 * X-Viewer-Ip (sls/resources/web.js); every other request by its source IP.
 */
const WAF_LIMIT_ALL = 2000;
const WAF_LIMIT_CREDENTIALS = 100;
const CREDENTIAL_PATHS = ['/v1/sessions', '/v1/password', '/v1/signup', '/v1/tokens'];

/** API Gateway's method-setting path: `/v1/sessions` → `/~1v1~1sessions`. */
const methodSettingPath = (path) => `/${path.replace(/\//g, '~1')}`;

const visibility = (name) => ({ CloudWatchMetricsEnabled: true, MetricName: name, SampledRequestsEnabled: true });

/**
 * The API access log, one JSON line per request (issue 27): who (the address API Gateway saw),
 * what (method, route template, never the path's ids or the query string), how it went (status,
 * latencies, the error API Gateway reported). Only context variables that cannot carry a token:
 * no headers, no query string, no authorizer output (test/template/logging.test.ts).
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  sourceIp: '$context.identity.sourceIp',
  requestTime: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  errorType: '$context.error.responseType',
  wafStatus: '$context.waf.status',
});

/**
 * What the WAF log leaves out: credentials (bearer tokens, session cookies), the distribution's
 * secret origin header, and the query string (an OAuth callback's code and state).
 */
const WAF_REDACTED = [
  { SingleHeader: { Name: 'authorization' } },
  { SingleHeader: { Name: 'cookie' } },
  { SingleHeader: { Name: 'x-origin-verify' } },
  { QueryString: {} },
];

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  if (stage === 'local') return { Resources: {} };
  const instanceId = await resolveVariable('sls:instanceId');
  const service = await resolveVariable('self:service');
  const logRetentionDays = await resolveVariable('param:logRetentionDays');
  const behindDistribution = Boolean(String((await resolveVariable('param:webDomainName')) ?? ''));
  const originSecret = String((await resolveVariable('param:originVerifySecret')) ?? '');
  const deployment = `ApiGatewayDeployment${instanceId}`;

  // Requests CloudFront forwarded: they carry the secret origin header (web.js).
  const fromDistribution = {
    ByteMatchStatement: {
      FieldToMatch: { SingleHeader: { Name: 'x-origin-verify' } },
      PositionalConstraint: 'EXACTLY',
      SearchString: originSecret,
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    },
  };
  const and = (...statements) => (statements.length === 1 ? statements[0] : { AndStatement: { Statements: statements } });
  const not = (statement) => ({ NotStatement: { Statement: statement } });
  /** One rate rule per way in: by viewer address from the distribution, by source IP otherwise. */
  const rateRules = (name, priority, limit, scope) => {
    if (!behindDistribution) {
      return [{ Name: name, Priority: priority, Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: limit, AggregateKeyType: 'IP', ...(scope ? { ScopeDownStatement: scope } : {}) } }, VisibilityConfig: visibility(`${service}-${stage}-${name}`) }];
    }
    return [
      {
        Name: `${name}-viewer`,
        Priority: priority,
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            Limit: limit,
            AggregateKeyType: 'FORWARDED_IP',
            ForwardedIPConfig: { HeaderName: 'X-Viewer-Ip', FallbackBehavior: 'MATCH' },
            ScopeDownStatement: and(...(scope ? [scope] : []), fromDistribution),
          },
        },
        VisibilityConfig: visibility(`${service}-${stage}-${name}-viewer`),
      },
      {
        Name: name,
        Priority: priority + 1,
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: limit, AggregateKeyType: 'IP', ScopeDownStatement: and(...(scope ? [scope] : []), not(fromDistribution)) } },
        VisibilityConfig: visibility(`${service}-${stage}-${name}`),
      },
    ];
  };

  const credentialMatch = {
    OrStatement: {
      Statements: CREDENTIAL_PATHS.map((path) => ({
        ByteMatchStatement: {
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'STARTS_WITH',
          SearchString: path,
          TextTransformations: [{ Priority: 0, Type: 'NONE' }],
        },
      })),
    },
  };

  return {
    // Applied to the framework's Deployment: the stage below owns the stage name.
    extensions: { [deployment]: { Properties: { StageName: { Ref: 'AWS::NoValue' } } } },
    Resources: {
      ApiGatewayStage: {
        Type: 'AWS::ApiGateway::Stage',
        DependsOn: ['ApiGatewayAccount', 'ApiExecutionLogGroup'],
        Properties: {
          StageName: stage,
          RestApiId: { Ref: 'ApiGatewayRestApi' },
          DeploymentId: { Ref: deployment },
          TracingEnabled: true,
          AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] }, Format: ACCESS_LOG_FORMAT },
          MethodSettings: [
            {
              ResourcePath: '/*',
              HttpMethod: '*',
              ThrottlingRateLimit: STAGE_THROTTLE.rate,
              ThrottlingBurstLimit: STAGE_THROTTLE.burst,
              LoggingLevel: 'ERROR',
              DataTraceEnabled: false,
              MetricsEnabled: false,
            },
            ...ROUTE_THROTTLES.map((r) => ({ ResourcePath: methodSettingPath(r.path), HttpMethod: r.method, ThrottlingRateLimit: r.rate, ThrottlingBurstLimit: r.burst })),
          ],
        },
      },

      ApiWebAcl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Name: `${service}-${stage}-api`,
          Scope: 'REGIONAL',
          Description: `Rate limits per caller address in front of the ${stage} API`,
          DefaultAction: { Allow: {} },
          VisibilityConfig: visibility(`${service}-${stage}-api`),
          Rules: [...rateRules('rate-limit-credentials', 0, WAF_LIMIT_CREDENTIALS, credentialMatch), ...rateRules('rate-limit-all', 2, WAF_LIMIT_ALL)],
        },
        // The secret in the rule is resolved at deploy time, after the secret exists.
        ...(behindDistribution ? { DependsOn: ['OriginVerifySecret'] } : {}),
      },

      // WAF logs (the log group's name must start with aws-waf-logs-), credentials redacted.
      ApiWafLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: `aws-waf-logs-${service}-${stage}-api`, RetentionInDays: logRetentionDays },
      },
      ApiWafLogging: {
        Type: 'AWS::WAFv2::LoggingConfiguration',
        Properties: {
          ResourceArn: { 'Fn::GetAtt': ['ApiWebAcl', 'Arn'] },
          LogDestinationConfigs: [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ApiWafLogGroup}' }],
          RedactedFields: WAF_REDACTED,
        },
      },

      // API Gateway writes execution logs with an account-wide role (one per account and region:
      // docs/operations.md). Execution logging at ERROR only, never request/response data.
      ApiGatewayCloudWatchRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
          },
          ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs' }],
        },
      },
      ApiGatewayAccount: {
        Type: 'AWS::ApiGateway::Account',
        Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': ['ApiGatewayCloudWatchRole', 'Arn'] } },
      },
      ApiAccessLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: `/aws/api-gateway/${service}-${stage}-access`, RetentionInDays: logRetentionDays },
      },
      // The group API Gateway writes execution logs into, declared so it is encrypted and expires.
      ApiExecutionLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: { 'Fn::Sub': `API-Gateway-Execution-Logs_\${ApiGatewayRestApi}/${stage}` }, RetentionInDays: logRetentionDays },
      },

      ApiWebAclAssociation: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        DependsOn: ['ApiGatewayStage'],
        Properties: {
          ResourceArn: { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${ApiGatewayRestApi}/stages/${stage}` },
          WebACLArn: { 'Fn::GetAtt': ['ApiWebAcl', 'Arn'] },
        },
      },
    },
  };
};
