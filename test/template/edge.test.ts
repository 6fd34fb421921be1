import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/paths';
import { loadTemplate, resourcesOfType } from '../support/template';

const template = loadTemplate();
const only = (type: string) => {
  const found = resourcesOfType(template, type);
  expect(found).toHaveLength(1);
  return found[0];
};

interface MethodSetting {
  ResourcePath: string;
  HttpMethod: string;
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
}

describe('the API edge of the prod template: one way in, throttled, behind a WAF', () => {
  it('disables the default execute-api endpoint wherever a custom domain exists', () => {
    expect(resourcesOfType(template, 'AWS::ApiGateway::DomainName')).toHaveLength(1);
    const [, api] = only('AWS::ApiGateway::RestApi');
    expect(api.Properties!.DisableExecuteApiEndpoint).toBe(true);
  });

  it('declares the stage as a resource of its own (so a deploy updates its throttling), moved by each deployment', () => {
    const [stageId, stage] = only('AWS::ApiGateway::Stage');
    const [deploymentId, deployment] = only('AWS::ApiGateway::Deployment');
    expect(stage.Properties).toMatchObject({ StageName: 'prod', RestApiId: { Ref: 'ApiGatewayRestApi' }, DeploymentId: { Ref: deploymentId } });
    // Two owners of one stage name would fail the deploy ("stage already exists").
    expect(deployment.Properties!.StageName).toEqual({ Ref: 'AWS::NoValue' });
    const [, mapping] = only('AWS::ApiGateway::BasePathMapping');
    expect(mapping.DependsOn).toEqual([stageId]);
  });

  it('throttles the whole stage, and every credential and report route tighter than the stage', () => {
    const [, stage] = only('AWS::ApiGateway::Stage');
    const settings = stage.Properties!.MethodSettings as MethodSetting[];
    const all = settings.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*');
    expect(all).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
    const sensitive = ['POST /v1/sessions', 'POST /v1/password', 'POST /v1/signup', 'POST /v1/password/reset-request', 'POST /v1/password/reset', 'POST /v1/tokens', 'POST /v1/incidents'];
    const { routes } = JSON.parse(readFileSync(path.join(ROOT, 'lib/http/routes.json'), 'utf8')) as { routes: Array<{ method: string; path: string }> };
    for (const route of sensitive) {
      const [method, routePath] = route.split(' ');
      // A throttle on a path that is not a route would silently protect nothing.
      expect(routes).toContainEqual({ method, path: routePath });
      const setting = settings.find((s) => s.HttpMethod === method && s.ResourcePath === `/${routePath.replace(/\//g, '~1')}`);
      expect({ route, setting }).toEqual({ route, setting: expect.objectContaining({ ThrottlingRateLimit: expect.any(Number) }) });
      expect(setting!.ThrottlingRateLimit!).toBeLessThan(all!.ThrottlingRateLimit!);
      expect(setting!.ThrottlingBurstLimit!).toBeLessThan(all!.ThrottlingBurstLimit!);
    }
    for (const s of settings) expect(s.ThrottlingBurstLimit!).toBeGreaterThanOrEqual(s.ThrottlingRateLimit!);
  });

  it('puts a regional WAF web ACL with per-address rate-based rules (blocking) on the stage', () => {
    const [aclId, acl] = only('AWS::WAFv2::WebACL');
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl.Properties!.Rules as Array<{ Name: string; Action: unknown; Statement: { RateBasedStatement?: { Limit: number; AggregateKeyType: string; ScopeDownStatement?: unknown } } }>;
    const rateRules = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rateRules.length).toBeGreaterThanOrEqual(1);
    for (const rule of rateRules) {
      expect(rule.Action).toEqual({ Block: {} });
      expect(rule.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: expect.stringMatching(/^(IP|FORWARDED_IP)$/), Limit: expect.any(Number) });
    }
    // One pair of rules covers every request, whatever its path: from the distribution (by
    // viewer address) and not from it (by source IP); test/template/trail.test.ts checks the split.
    const all = rateRules.filter((r) => r.Name.startsWith('rate-limit-all'));
    expect(all.map((r) => JSON.stringify(r.Statement.RateBasedStatement!.ScopeDownStatement)).sort()).toEqual([
      expect.stringMatching(/^\{"ByteMatchStatement":\{"FieldToMatch":\{"SingleHeader":\{"Name":"x-origin-verify"\}\}/),
      expect.stringMatching(/^\{"NotStatement":\{"Statement":\{"ByteMatchStatement":\{"FieldToMatch":\{"SingleHeader":\{"Name":"x-origin-verify"\}\}/),
    ]);

    const [, association] = only('AWS::WAFv2::WebACLAssociation');
    expect(association.Properties!.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(association.Properties!.ResourceArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${ApiGatewayRestApi}/stages/prod' });
    expect(association.DependsOn).toEqual(['ApiGatewayStage']);
  });
});
