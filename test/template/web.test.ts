import { PAGE_CONTENT_SECURITY_POLICY } from '../../lib/http/security-headers';
import { loadTemplate, resourcesOfType } from '../support/template';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PAGE_CSP } = require('../../sls/resources/web-csp') as { PAGE_CSP: string };

const template = loadTemplate();
type Behavior = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the website in front of the pages and the API (stage prod)', () => {
  const [, distribution] = resourcesOfType(template, 'AWS::CloudFront::Distribution')[0] ?? [];
  const config = distribution?.Properties!.DistributionConfig;
  const behaviors: Behavior[] = config ? [config.DefaultCacheBehavior, ...config.CacheBehaviors] : [];
  const origin = (id: string) => config.Origins.find((o: { Id: string }) => o.Id === id);

  it('has one CloudFront distribution on the website domain, HTTPS only with TLS 1.2 at least', () => {
    expect(resourcesOfType(template, 'AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(config.Aliases).toEqual(['helpshelf.co']);
    expect(config.ViewerCertificate).toMatchObject({ SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' });
    expect(config.ViewerCertificate.AcmCertificateArn).toMatch(/^arn:aws:acm:us-east-1:/);
    for (const b of behaviors) expect({ path: b.PathPattern ?? 'default', policy: b.ViewerProtocolPolicy }).toEqual({ path: b.PathPattern ?? 'default', policy: 'redirect-to-https' });
  });

  it('serves the API and the pages from the API origin over TLS 1.2, and /assets/* from the private bucket through origin access control', () => {
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe('api');
    expect(origin('api')).toMatchObject({ DomainName: 'api.helpshelf.co', CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } });
    const assets = behaviors.find((b) => b.PathPattern === '/assets/*')!;
    expect(assets.TargetOriginId).toBe('assets');
    expect(origin('assets')).toMatchObject({
      DomainName: { 'Fn::GetAtt': ['WebAssetsBucket', 'RegionalDomainName'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
      OriginAccessControlId: { 'Fn::GetAtt': ['WebAssetsOriginAccessControl', 'Id'] },
    });
    expect(template.Resources.WebAssetsOriginAccessControl.Properties!.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    // Only pages without personal data are cached at the edge, and only as long as they say.
    const cached = behaviors.filter((b) => b.CachePolicyId?.Ref === 'WebPageCachePolicy').map((b) => b.PathPattern);
    expect(cached.sort()).toEqual(['/security', '/security/advisories']);
    expect(config.DefaultCacheBehavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
  });

  it('lets only this distribution read the assets bucket, which is private, versioned, KMS-encrypted and TLS-only', () => {
    const bucket = template.Resources.WebAssetsBucket.Properties!;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['WebAssetsKey', 'Arn'] } });
    expect(template.Resources.WebAssetsKey.Properties!.EnableKeyRotation).toBe(true);
    const statements = template.Resources.WebAssetsBucketPolicy.Properties!.PolicyDocument.Statement as Behavior[];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Sub': '${WebAssetsBucket.Arn}/assets/*' },
        Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}' } } },
      }),
    ]);
  });

  it('adds HSTS, nosniff, DENY framing and the pages\' CSP (the same as the functions send) on every behaviour', () => {
    for (const b of behaviors) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: 'WebHeadersPolicy' });
    const headers = template.Resources.WebHeadersPolicy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(PAGE_CSP).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(PAGE_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('packages no asset-serving function: deployed stages serve assets from S3 only', () => {
    const names = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
    expect(names.some((id) => /WebAssets/i.test(id))).toBe(false);
    expect(names).toEqual(expect.arrayContaining(['SecurityPageLambdaFunction', 'ReportSubmitLambdaFunction', 'PageShellsLambdaFunction']));
  });
});
