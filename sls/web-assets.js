// serverless.yml's view of the pages' static assets: resolving it builds web/ (web/build.js, about
// 100 ms), so `npm start`, `osls print` (the tests) and `osls package` always serve the assets of
// the sources they run. `manifest` is the JSON the page functions get as WEB_ASSETS; `dir` is
// where the local stage's webAssets function reads the files from.
const { buildWebAssets } = require('../web/build');

let built;
module.exports = () => {
  built ??= buildWebAssets();
  return { manifest: JSON.stringify(built.manifest), dir: built.assetsDir };
};
