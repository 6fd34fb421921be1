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

/**
 * Function timeouts for a local machine: at least `seconds` (HELPSHELF_LOCAL_TIMEOUT_SECONDS,
 * default 30) for every function serverless-offline serves. On AWS each request has its own
 * environment and CPU; locally every handler shares one process on a machine that may be busy,
 * so the first burst after a start (every bundle loaded at once) could pass the 10 s AWS timeout
 * and be answered 504 by serverless-offline itself. Only `offline` runs this: packaging and
 * deploying never see it, and a longer timeout never changes what a handler does.
 */
function raiseLocalTimeouts(service, seconds) {
  const providerTimeout = service.provider?.timeout ?? 6;
  const raised = [];
  for (const [key, fn] of Object.entries(service.functions ?? {})) {
    const current = fn.timeout ?? providerTimeout;
    if (current < seconds) {
      fn.timeout = seconds;
      raised.push(key);
    }
  }
  return raised;
}

class LocalHandlerReload {
  constructor(serverless) {
    this.hooks = {
      'before:offline:start:init': () => {
        const seconds = Number(process.env.HELPSHELF_LOCAL_TIMEOUT_SECONDS ?? 30);
        if (Number.isFinite(seconds) && seconds > 0) raiseLocalTimeouts(serverless.service, seconds);
      },
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
module.exports.raiseLocalTimeouts = raiseLocalTimeouts;
