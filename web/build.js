// Builds the pages' static assets with the esbuild the project already has: TypeScript bundled for
// the browser, CSS minified, every file named by a hash of its content so it can be cached for a
// year. Writes web/dist/assets/* and web/dist/manifest.json ({"site.css": "/assets/site-HASH.css", …}).
// CommonJS and synchronous so serverless.yml's file resolver (sls/web-assets.js), the test setup
// and the bench can all call it; it takes about 100 ms.
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const SRC = path.join(__dirname, 'src');
const DIST = path.join(__dirname, 'dist');
const ASSETS = path.join(DIST, 'assets');

/** Browser entry points (TypeScript) and files copied as they are. */
const SCRIPTS = ['account.ts', 'report.ts', 'signup.ts', 'verify-email.ts', 'reset-password.ts'];
const STYLES = ['site.css'];
const FILES = ['favicon.svg'];

const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function hashed(logical, content) {
  const ext = path.extname(logical).replace('.ts', '.js');
  const base = path.basename(logical, path.extname(logical));
  const hash = createHash('sha256').update(content).digest('base64url').slice(0, 12);
  return `${base}-${hash}${ext}`;
}

function buildWebAssets() {
  const outputs = {};
  for (const script of SCRIPTS) {
    const result = esbuild.buildSync({
      entryPoints: [path.join(SRC, script)],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['chrome110', 'firefox110', 'safari16'],
      platform: 'browser',
      write: false,
      legalComments: 'none',
    });
    outputs[script.replace(/\.ts$/, '.js')] = Buffer.from(result.outputFiles[0].contents);
  }
  for (const style of STYLES) {
    const result = esbuild.buildSync({ entryPoints: [path.join(SRC, style)], bundle: true, minify: true, write: false, loader: { '.css': 'css' } });
    outputs[style] = Buffer.from(result.outputFiles[0].contents);
  }
  for (const file of FILES) outputs[file] = readFileSync(path.join(SRC, file));

  const manifest = {};
  const files = [];
  for (const [logical, content] of Object.entries(outputs)) {
    const name = hashed(logical, content);
    manifest[logical] = `/assets/${name}`;
    files.push([name, content]);
  }
  // Replace the folder's content only when it changed, so a running local stage never sees it empty.
  mkdirSync(ASSETS, { recursive: true });
  const wanted = new Set(files.map(([name]) => name));
  for (const [name, content] of files) writeFileSync(path.join(ASSETS, name), content);
  for (const old of readdirSync(ASSETS)) if (!wanted.has(old)) rmSync(path.join(ASSETS, old), { force: true });
  writeFileSync(path.join(DIST, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, assetsDir: ASSETS };
}

function contentTypeOf(name) {
  return CONTENT_TYPES[path.extname(name)];
}

module.exports = { buildWebAssets, contentTypeOf, ASSETS_DIR: ASSETS };

if (require.main === module) {
  const { manifest } = buildWebAssets();
  for (const [logical, url] of Object.entries(manifest)) console.log(`${logical} → ${url}`);
}
