// HTTPS only. API Gateway serves nothing but HTTPS; with a custom domain (params apiDomainName and
// apiCertificateArn) the domain enforces TLS 1.2, and the default execute-api endpoint can be
// switched off: wherever a domain is declared, the execute-api endpoint is disabled here, so the
// TLS 1.2 domain is the only way in (param disableExecuteApiEndpoint still switches it off on
// stages without a domain). Stages without a domain (local, staging by default) get no domain
// resources at all.
module.exports = async ({ resolveVariable }) => {
  const domain = String((await resolveVariable('param:apiDomainName')) ?? '');
  if (!domain) return { Resources: {} };
  const certificate = await resolveVariable('param:apiCertificateArn');
  const stage = await resolveVariable('sls:stage');
  return {
    // Applied to the framework's RestApi: the default endpoint is off where a domain exists.
    extensions: { ApiGatewayRestApi: { Properties: { DisableExecuteApiEndpoint: true } } },
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
        // The stage is a resource of its own (sls/resources/edge.js).
        DependsOn: ['ApiGatewayStage'],
        Properties: { DomainName: { Ref: 'ApiDomain' }, RestApiId: { Ref: 'ApiGatewayRestApi' }, Stage: stage },
      },
    },
  };
};
