'use strict';

const path = require('node:path');

/**
 * The local stage runs handlers in serverless-offline's own process (`useInProcess`), so a
 * handler bundle is loaded once with `require()` and stays in Node's module cache. When
 * serverless-esbuild rebuilds after a source change it tells serverless-offline
 * (`offline:functionsUpdated`), which drops its warm functions; this drops the cached bundles
 * under the build folder too, so the next request loads the rebuilt code. Native addons
 * (node_modules) stay loaded: Node cannot unload them.
 */
function dropCachedBundles(cache, buildRoot) {
  const prefix = buildRoot.endsWith(path.sep) ? buildRoot : `${buildRoot}${path.sep}`;
  const dropped = [];
  for (const file of Object.keys(cache)) {
    if (file.startsWith(prefix) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      delete cache[file];
      dropped.push(file);
    }
  }
  return dropped;
}

class LocalHandlerReload {
  constructor(serverless) {
    this.hooks = {
      'offline:functionsUpdated:cleanup': () => {
        // Read when it happens: by then the configuration's variables are resolved.
        const servicePath = serverless.serviceDir ?? serverless.config?.servicePath ?? process.cwd();
        const workFolder = serverless.service?.custom?.esbuild?.outputWorkFolder ?? '.esbuild';
        dropCachedBundles(require.cache, path.resolve(servicePath, workFolder));
      },
    };
  }
}

module.exports = LocalHandlerReload;
module.exports.dropCachedBundles = dropCachedBundles;
