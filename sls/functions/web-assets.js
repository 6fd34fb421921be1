// The local stage's stand-in for CloudFront's /assets/* behaviour (S3): a function serving
// web/dist/assets. Deployed stages get no such function: their assets live in the web bucket.
module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  if (stage !== 'local') return {};
  return {
    webAssets: {
      handler: 'functions/web-assets.handler',
      memorySize: 256,
      iamRoleStatements: [],
      environment: { WEB_ASSETS_DIR: '${file(sls/web-assets.js):dir}' },
      events: [{ http: { path: '/assets/{file}', method: 'get' } }],
    },
  };
};
