// HTTPS only. API Gateway serves nothing but HTTPS; with a custom domain (params apiDomainName and
// apiCertificateArn) the domain enforces TLS 1.2, and the default execute-api endpoint can be
// switched off (param disableExecuteApiEndpoint) so the TLS 1.2 domain is the only way in.
// Stages without a domain (local, staging by default) get no domain resources at all.
module.exports = async ({ resolveVariable }) => {
  const domain = String((await resolveVariable('param:apiDomainName')) ?? '');
  if (!domain) return { Resources: {} };
  const certificate = await resolveVariable('param:apiCertificateArn');
  const stage = await resolveVariable('sls:stage');
  const instanceId = await resolveVariable('sls:instanceId');
  return {
    Resources: {
      ApiDomain: {
        Type: 'AWS::ApiGateway::DomainName',
        Properties: {
          DomainName: domain,
          RegionalCertificateArn: certificate,
          EndpointConfiguration: { Types: ['REGIONAL'] },
          SecurityPolicy: 'TLS_1_2',
        },
      },
      ApiDomainMapping: {
        Type: 'AWS::ApiGateway::BasePathMapping',
        // The stage exists once serverless's deployment resource does.
        DependsOn: [`ApiGatewayDeployment${instanceId}`],
        Properties: { DomainName: { Ref: 'ApiDomain' }, RestApiId: { Ref: 'ApiGatewayRestApi' }, Stage: stage },
      },
    },
  };
};
