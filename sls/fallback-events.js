// The fallback function's events: ANY on / and /{proxy+} for unknown paths, answered in JSON (404).
// A wrong method on a known path is a JSON 405 naming the allowed methods; how that reaches the
// fallback differs by stage:
// - local: ANY on every public path (serverless-offline and the in-process tests route it here, so
//   the fallback answers with Allow).
// - deployed: no ANY per path. Each would be one more CloudFormation resource, and with ~45 public
//   paths they pushed the stack past CloudFormation's 500 resources. API Gateway answers a known
//   path asked with another method with its MISSING_AUTHENTICATION_TOKEN response, which
//   sls/resources/api.yml turns into the same JSON 405 (without Allow, which it cannot know).
// Built from lib/http/routes.json.
const { routes } = require('../lib/http/routes.json');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const paths = [...new Set(routes.map((r) => r.path))];
  return [
    { http: { path: '/', method: 'any' } },
    { http: { path: '/{proxy+}', method: 'any' } },
    ...(stage === 'local' ? paths.map((path) => ({ http: { path, method: 'any' } })) : []),
  ];
};
