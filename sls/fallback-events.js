// The fallback function's events: ANY on every public path (so a wrong method is a JSON 405, not
// API Gateway's 403), plus ANY on / and /{proxy+} for unknown paths. Built from lib/http/routes.json.
const { routes } = require('../lib/http/routes.json');

module.exports = () => {
  const paths = [...new Set(routes.map((r) => r.path))];
  return [
    { http: { path: '/', method: 'any' } },
    { http: { path: '/{proxy+}', method: 'any' } },
    ...paths.map((path) => ({ http: { path, method: 'any' } })),
  ];
};
