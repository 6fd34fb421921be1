/**
 * Imported first by scripts/bench.ts. Lets the handlers run in-process under tsx, as jest runs
 * them: middy 7 ships ESM only (its package exports only an `import` condition), so its bare
 * specifiers are resolved to the entry file, which Node >= 20.19 can require(). Jest does the same
 * with moduleNameMapper. Also silences the SDK's Node 20 notice, as jest.config.js does.
 */
import Module from 'node:module';
import path from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROOT = path.resolve(__dirname, '..', '..');
const moduleWithResolve = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = moduleWithResolve._resolveFilename;
moduleWithResolve._resolveFilename = function resolveMiddy(this: unknown, request: string, ...rest: unknown[]) {
  const match = /^@middy\/([^/]+)$/.exec(request);
  if (match) return path.join(ROOT, 'node_modules', '@middy', match[1], 'index.js');
  return original.call(this, request, ...rest);
};
