'use strict';

/**
 * Makes `osls package` / `osls deploy` install external native modules (the argon2 binding) for
 * the Lambda platform, linux arm64 glibc, instead of the build machine's.
 *
 * Why: serverless-esbuild installs the externals with `npm ci <installExtraArgs>`, which honours
 * `--os=linux --cpu=arm64 --libc=glibc`, but then runs a bare `npm prune`, which judges optional
 * dependencies by the HOST platform and swaps @node-rs/argon2-linux-arm64-gnu back for the host's
 * binary (linux-x64-gnu here). npm also reads its configuration from `npm_config_*` environment
 * variables, which every npm it spawns inherits; setting them for the packaging step alone makes
 * install and prune agree on the target. Nothing but the npm registry is needed.
 *
 * Only the package lifecycle is touched: `serverless-offline` (npm start, the tests) keeps the
 * host's binary, which is what a local Node process can load.
 *
 * List this plugin before serverless-esbuild, so its hook runs first on the same event.
 */
const TARGET = { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' };

class LambdaTargetPackages {
  constructor(serverless) {
    this.saved = undefined;
    const apply = () => {
      if (this.saved) return;
      this.saved = Object.fromEntries(Object.keys(TARGET).map((k) => [k, process.env[k]]));
      Object.assign(process.env, TARGET);
      serverless.cli?.log?.('Installing external modules for linux arm64 glibc (Lambda)', 'lambda-target-packages');
    };
    const restore = () => {
      if (!this.saved) return;
      for (const [key, value] of Object.entries(this.saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      this.saved = undefined;
    };
    this.hooks = {
      'before:package:createDeploymentArtifacts': apply,
      'after:package:createDeploymentArtifacts': restore,
      'before:deploy:function:packageFunction': apply,
      'after:deploy:function:packageFunction': restore,
    };
  }
}

module.exports = LambdaTargetPackages;
