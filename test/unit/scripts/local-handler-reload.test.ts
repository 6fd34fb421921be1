import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require('../../../sls/plugins/local-handler-reload.js') as {
  new (serverless: object): { hooks: Record<string, () => void> };
  dropCachedBundles(cache: Record<string, unknown>, buildRoot: string): string[];
  raiseLocalTimeouts(service: object, seconds: number): string[];
};

describe('reloading rebuilt handlers in the in-process local stage', () => {
  const root = path.resolve('/srv/app');
  const bundle = path.join(root, '.esbuild', '.build', 'functions', 'me.js');
  const nativeAddon = path.join(root, '.esbuild', '.build', 'node_modules', '@node-rs', 'argon2', 'index.js');
  const otherStage = path.join(root, '.esbuild-e2e', '.build', 'functions', 'me.js');
  const tooling = path.join(root, 'node_modules', 'serverless-offline', 'src', 'index.js');

  it('when serverless-offline is told the functions were rebuilt, the cached bundles of this build folder are dropped and nothing else', () => {
    // Prepare
    const cache: Record<string, unknown> = { [bundle]: {}, [nativeAddon]: {}, [otherStage]: {}, [tooling]: {} };
    // Act
    const dropped = plugin.dropCachedBundles(cache, path.join(root, '.esbuild'));
    // Assess
    expect(dropped).toEqual([bundle]);
    expect(Object.keys(cache).sort()).toEqual([nativeAddon, otherStage, tooling].sort());
  });

  it('when the hook runs in a real Node process, the next require of a rebuilt handler under the configured build folder loads the new code', () => {
    // Prepare: a handler file in a build folder named by the configuration, loaded once, then rebuilt.
    const dir = mkdtempSync(path.join(tmpdir(), 'h14-reload-'));
    const file = path.join(dir, 'work', '.build', 'handler.js');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'module.exports = { version: 1 };');
    const script = `
      const Plugin = require(${JSON.stringify(path.resolve('sls/plugins/local-handler-reload.js'))});
      const file = ${JSON.stringify(file)};
      const first = require(file).version;
      require('node:fs').writeFileSync(file, 'module.exports = { version: 2 };');
      const cached = require(file).version;
      new Plugin({ serviceDir: ${JSON.stringify(dir)}, service: { custom: { esbuild: { outputWorkFolder: 'work' } } } }).hooks['offline:functionsUpdated:cleanup']();
      console.log(JSON.stringify([first, cached, require(file).version]));
    `;
    try {
      // Act
      const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      // Assess: without the hook the stale module would answer 1 again.
      expect(JSON.parse(out)).toEqual([1, 1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the local stage starts, function timeouts below the local minimum are raised to it and longer ones kept', () => {
    const service = { provider: { timeout: 10 }, functions: { me: {}, worker: { timeout: 10 }, backupsExport: { timeout: 120 } } as Record<string, { timeout?: number }> };
    // Act
    const raised = plugin.raiseLocalTimeouts(service, 30);
    // Assess
    expect(raised.sort()).toEqual(['me', 'worker']);
    expect(Object.fromEntries(Object.entries(service.functions).map(([k, f]) => [k, f.timeout]))).toEqual({ me: 30, worker: 30, backupsExport: 120 });
  });
});
