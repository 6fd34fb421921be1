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

/** WAF rate-based rules: requests per source IP per 5-minute window, then blocked (403) until it drops. */
const WAF_LIMIT_ALL = 2000;
const WAF_LIMIT_CREDENTIALS = 100;
const CREDENTIAL_PATHS = ['/v1/sessions', '/v1/password', '/v1/signup', '/v1/tokens'];

/** API Gateway's method-setting path: `/v1/sessions` → `/~1v1~1sessions`. */
const methodSettingPath = (path) => `/${path.replace(/\//g, '~1')}`;

const visibility = (name) => ({ CloudWatchMetricsEnabled: true, MetricName: name, SampledRequestsEnabled: true });

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  if (stage === 'local') return { Resources: {} };
  const instanceId = await resolveVariable('sls:instanceId');
  const service = await resolveVariable('self:service');
  const deployment = `ApiGatewayDeployment${instanceId}`;

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
        Properties: {
          StageName: stage,
          RestApiId: { Ref: 'ApiGatewayRestApi' },
          DeploymentId: { Ref: deployment },
          MethodSettings: [
            { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: STAGE_THROTTLE.rate, ThrottlingBurstLimit: STAGE_THROTTLE.burst },
            ...ROUTE_THROTTLES.map((r) => ({ ResourcePath: methodSettingPath(r.path), HttpMethod: r.method, ThrottlingRateLimit: r.rate, ThrottlingBurstLimit: r.burst })),
          ],
        },
      },

      ApiWebAcl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Name: `${service}-${stage}-api`,
          Scope: 'REGIONAL',
          Description: `Rate limits per source IP in front of the ${stage} API`,
          DefaultAction: { Allow: {} },
          VisibilityConfig: visibility(`${service}-${stage}-api`),
          Rules: [
            {
              Name: 'rate-limit-credentials',
              Priority: 0,
              Action: { Block: {} },
              Statement: { RateBasedStatement: { Limit: WAF_LIMIT_CREDENTIALS, AggregateKeyType: 'IP', ScopeDownStatement: credentialMatch } },
              VisibilityConfig: visibility(`${service}-${stage}-rate-limit-credentials`),
            },
            {
              Name: 'rate-limit-all',
              Priority: 1,
              Action: { Block: {} },
              Statement: { RateBasedStatement: { Limit: WAF_LIMIT_ALL, AggregateKeyType: 'IP' } },
              VisibilityConfig: visibility(`${service}-${stage}-rate-limit-all`),
            },
          ],
        },
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
