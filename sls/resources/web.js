// The pages' public front (issue 16): one CloudFront distribution on the website's domain, HTTPS
// only (viewers redirected to HTTPS, TLS 1.2 minimum), serving
//   /assets/*  from the web assets bucket (S3, private, reached only through origin access control);
//   /security and /security/advisories from the API, cached as long as the page allows (60 s);
//   everything else (the other pages, /v1/*, /.well-known/*) from the API, never cached;
// so the pages and the API share one origin. A response-headers policy adds HSTS, nosniff, DENY
// framing and the pages' CSP to what S3 serves (the API's own headers are kept).
// Stages without a website domain (local, staging by default) get none of it: the local stage
// serves everything from serverless-offline, assets included (sls/functions/web-assets.js).
const { PAGE_CSP } = require('./web-csp');
const keyPolicy = require('./key-policy');

// AWS managed policies (the same ids in every account).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

module.exports = async ({ resolveVariable }) => {
  const domain = String((await resolveVariable('param:webDomainName')) ?? '');
  if (!domain) return { Resources: {}, Outputs: {} };
  const certificate = await resolveVariable('param:webCertificateArn');
  const apiDomain = String((await resolveVariable('param:apiDomainName')) ?? '');
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');

  const originSecret = String((await resolveVariable('param:originVerifySecret')) ?? '');
  const secretName = await resolveVariable('self:custom.names.originVerifySecret');

  // Every request to the API origin carries the distribution's secret: only then does the API
  // (lib/http/caller-address.ts) and its WAF (edge.js) believe the viewer address below.
  const originHeaders = { OriginCustomHeaders: [{ HeaderName: 'X-Origin-Verify', HeaderValue: originSecret }] };
  const apiOrigin = apiDomain
    ? { Id: 'api', DomainName: apiDomain, ...originHeaders }
    : { Id: 'api', DomainName: { 'Fn::Sub': '${ApiGatewayRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' }, OriginPath: `/${stage}`, ...originHeaders };
  const viewer = (extra) => ({ ViewerProtocolPolicy: 'redirect-to-https', Compress: true, ResponseHeadersPolicyId: { Ref: 'WebHeadersPolicy' }, ...extra });
  const viewerAddress = { FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['ViewerAddressFunction', 'FunctionARN'] } }] };
  const cachedPage = (PathPattern) =>
    viewer({ PathPattern, TargetOriginId: 'api', AllowedMethods: ['GET', 'HEAD'], CachedMethods: ['GET', 'HEAD'], CachePolicyId: { Ref: 'WebPageCachePolicy' }, ...viewerAddress });

  return {
    Resources: {
      // The distribution's secret origin header (issue 27), generated, never in the repository.
      OriginVerifySecret: {
        Type: 'AWS::SecretsManager::Secret',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          Name: secretName,
          Description: 'The secret CloudFront sends to the API origin (X-Origin-Verify): requests with it are trusted for the viewer address.',
          KmsKeyId: { Ref: 'DataKey' },
          GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'value', PasswordLength: 48, ExcludePunctuation: true },
        },
      },
      // The viewer's address for the API and its WAF: CloudFront's own view of the connection,
      // replacing any X-Viewer-Ip the viewer sent. (CloudFront-Viewer-Address carries a port,
      // which the WAF's forwarded-IP rules cannot read, and forwarding it takes an origin request
      // policy that would also forward Host, which API Gateway refuses.)
      ViewerAddressFunction: {
        Type: 'AWS::CloudFront::Function',
        Properties: {
          Name: `${service}-${stage}-viewer-address`,
          AutoPublish: true,
          FunctionConfig: { Comment: 'X-Viewer-Ip: the viewer address, set by CloudFront only', Runtime: 'cloudfront-js-2.0' },
          FunctionCode: "function handler(event) { var request = event.request; request.headers['x-viewer-ip'] = { value: event.viewer.ip }; return request; }",
        },
      },
      // Its own key: CloudFront must be allowed to decrypt what it reads, and nothing else here.
      WebAssetsKey: {
        Type: 'AWS::KMS::Key',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          Description: `HelpShelf ${stage} web assets key`,
          EnableKeyRotation: true,
          KeyPolicy: {
            Version: '2012-10-17',
            Statement: [
              keyPolicy.administer,
              keyPolicy.breakGlass,
              // The deploy uploads the assets encrypted (sls/plugins/upload-web-assets.js).
              keyPolicy.useForEncryption,
              {
                // The distribution's ARN cannot be named here (the bucket it reads is encrypted
                // with this key: a cycle); the bucket policy names the exact distribution.
                Sid: 'CloudFrontOfThisAccountDecrypts',
                Effect: 'Allow',
                Principal: { Service: 'cloudfront.amazonaws.com' },
                Action: ['kms:Decrypt'],
                Resource: '*',
                Condition: { StringLike: { 'AWS:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*' } } },
              },
            ],
          },
        },
      },
      WebAssetsBucket: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketName: { 'Fn::Sub': `${service}-${stage}-web-assets-\${AWS::Region}` },
          LoggingConfiguration: { DestinationBucketName: { Ref: 'AccessLogsBucket' }, LogFilePrefix: 's3/web-assets/' },
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['WebAssetsKey', 'Arn'] } }, BucketKeyEnabled: true },
            ],
          },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          // Old hashed files stay a while for pages still cached somewhere, then go.
          LifecycleConfiguration: { Rules: [{ Id: 'expire-old-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }] },
        },
      },
      WebAssetsBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'WebAssetsBucket' },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [{ 'Fn::GetAtt': ['WebAssetsBucket', 'Arn'] }, { 'Fn::Sub': '${WebAssetsBucket.Arn}/*' }],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
              {
                Sid: 'ThisDistributionReadsAssets',
                Effect: 'Allow',
                Principal: { Service: 'cloudfront.amazonaws.com' },
                Action: 's3:GetObject',
                Resource: { 'Fn::Sub': '${WebAssetsBucket.Arn}/assets/*' },
                Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}' } } },
              },
            ],
          },
        },
      },
      WebAssetsOriginAccessControl: {
        Type: 'AWS::CloudFront::OriginAccessControl',
        Properties: {
          OriginAccessControlConfig: { Name: `${service}-${stage}-web-assets`, OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
        },
      },
      WebHeadersPolicy: {
        Type: 'AWS::CloudFront::ResponseHeadersPolicy',
        Properties: {
          ResponseHeadersPolicyConfig: {
            Name: `${service}-${stage}-web-headers`,
            SecurityHeadersConfig: {
              StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
              ContentTypeOptions: { Override: true },
              FrameOptions: { FrameOption: 'DENY', Override: true },
              ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
              // Added where the origin sent none (S3); the API's own policy, stricter for JSON, is kept.
              ContentSecurityPolicy: { ContentSecurityPolicy: PAGE_CSP, Override: false },
            },
          },
        },
      },
      // The origin's Cache-Control decides (pages with personal data say no-store); nothing of
      // the request is in the key, as the cached pages depend on nothing in it.
      WebPageCachePolicy: {
        Type: 'AWS::CloudFront::CachePolicy',
        Properties: {
          CachePolicyConfig: {
            Name: `${service}-${stage}-web-pages`,
            MinTTL: 0,
            DefaultTTL: 0,
            MaxTTL: 300,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: true,
              EnableAcceptEncodingBrotli: true,
              HeadersConfig: { HeaderBehavior: 'none' },
              CookiesConfig: { CookieBehavior: 'none' },
              QueryStringsConfig: { QueryStringBehavior: 'none' },
            },
          },
        },
      },
      WebDistribution: {
        Type: 'AWS::CloudFront::Distribution',
        // The origin header's secret is resolved at deploy time, after the secret exists.
        DependsOn: ['OriginVerifySecret'],
        Properties: {
          DistributionConfig: {
            Enabled: true,
            Comment: `HelpShelf ${stage}: pages, assets and API on one origin`,
            Aliases: [domain],
            HttpVersion: 'http2and3',
            IPV6Enabled: true,
            PriceClass: 'PriceClass_100',
            // Standard logs into the stage's log bucket, without cookies (session credentials).
            Logging: { Bucket: { 'Fn::GetAtt': ['AccessLogsBucket', 'DomainName'] }, Prefix: 'cloudfront/', IncludeCookies: false },
            ViewerCertificate: { AcmCertificateArn: certificate, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
            Origins: [
              { ...apiOrigin, CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], HTTPSPort: 443 } },
              {
                Id: 'assets',
                DomainName: { 'Fn::GetAtt': ['WebAssetsBucket', 'RegionalDomainName'] },
                S3OriginConfig: { OriginAccessIdentity: '' },
                OriginAccessControlId: { 'Fn::GetAtt': ['WebAssetsOriginAccessControl', 'Id'] },
              },
            ],
            DefaultCacheBehavior: viewer({
              TargetOriginId: 'api',
              AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
              CachePolicyId: CACHING_DISABLED,
              OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
              ...viewerAddress,
            }),
            CacheBehaviors: [
              viewer({ PathPattern: '/assets/*', TargetOriginId: 'assets', AllowedMethods: ['GET', 'HEAD'], CachedMethods: ['GET', 'HEAD'], CachePolicyId: CACHING_OPTIMIZED }),
              cachedPage('/security'),
              cachedPage('/security/advisories'),
            ],
          },
        },
      },
    },
    Outputs: {
      WebAssetsBucketName: { Description: 'Where `osls deploy` uploads web/dist/assets', Value: { Ref: 'WebAssetsBucket' } },
      WebDistributionDomainName: { Description: 'Point the website domain (CNAME/alias) here', Value: { 'Fn::GetAtt': ['WebDistribution', 'DomainName'] } },
    },
  };
};
