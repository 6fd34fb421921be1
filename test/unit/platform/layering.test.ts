import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The layout reads one way: functions → lib/<capability> → lib/http, lib/ops → lib/platform, with
 * no arrow back up. This test reads every import of the product code and names each one that
 * points the wrong way, so the README's layout stays true as the code grows.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Relative imports of a file (static, dynamic and re-exports), resolved to project paths. */
function relativeImports(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

const CAPABILITIES = ['identity', 'billing', 'incidents', 'inbox', 'connections', 'backups', 'access', 'audit', 'pages', 'data-rights'];
const layerOf = (target: string): string => {
  const [top, second] = target.split('/');
  if (top === 'lib') return CAPABILITIES.includes(second) ? 'lib/<capability>' : `lib/${second}`;
  return top;
};

/** What each layer may import (besides itself and packages). */
const ALLOWED: Record<string, string[]> = {
  'lib/platform': ['lib/platform'],
  'lib/http': ['lib/http', 'lib/platform'],
  'lib/ops': ['lib/ops', 'lib/platform'],
  'lib/<capability>': ['lib/<capability>', 'lib/http', 'lib/ops', 'lib/platform'],
  'lib/api': ['lib/api', 'lib/<capability>', 'lib/http', 'lib/platform'],
  // docs: the served OpenAPI document is the committed, generated docs/openapi.json.
  functions: ['lib/<capability>', 'lib/http', 'lib/ops', 'lib/platform', 'lib/api', 'docs'],
};

function violations(dirs: string[]): string[] {
  const found: string[] = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    const from = layerOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) continue;
    for (const target of relativeImports(file, readFileSync(path.join(ROOT, file), 'utf8'))) {
      const to = layerOf(target);
      // A function file is its own unit: it never imports another function.
      const ok = from === 'functions' ? to !== 'functions' && allowed.includes(to) : allowed.includes(to);
      if (!ok) found.push(`${file} → ${target}`);
    }
  }
  return found;
}

describe('the layout has no arrow back up', () => {
  it('reads relative imports of every form, resolved against the importing file', () => {
    const text = [
      "import { a } from '../platform/config';",
      "import type { B } from './model';",
      "export { c } from '../../lib/http/fields';",
      "const d = await import('../identity/accounts');",
      "import '../platform/side-effect';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(relativeImports('lib/identity/service.ts', text)).toEqual([
      'lib/platform/config',
      'lib/identity/model',
      'lib/http/fields',
      'lib/identity/accounts',
      'lib/platform/side-effect',
    ]);
  });

  it('names an import that points the wrong way', () => {
    expect(layerOf('lib/platform/config')).toBe('lib/platform');
    expect(layerOf('lib/connections/service')).toBe('lib/<capability>');
    expect(ALLOWED['lib/platform']).not.toContain('lib/<capability>');
    expect(ALLOWED['lib/http']).not.toContain('lib/<capability>');
  });

  it('functions import lib only (never another function, a script, the CLI or a test); lib never imports up', () => {
    expect(violations(['functions', 'lib'])).toEqual([]);
  });

  it('the browser code imports only itself and the import-free modules it shares with the server (the report field map, the connect outcome wording); from the server\'s response schemas it takes types only', () => {
    const files = sourceFiles('web/src').map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
    // `import type …` is erased from the bundle: the row types come from the zod output types of the routes.
    const withoutTypeImports = (text: string) => text.replace(/^import type [^;]+;$/gm, '');
    const outside = files.flatMap(({ file, text }) =>
      relativeImports(file, withoutTypeImports(text))
        .filter((target) => !target.startsWith('web/src/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(outside.sort()).toEqual(['web/src/account/connections.ts → lib/pages/connect-outcome', 'web/src/report.ts → lib/pages/report-fields']);
    const typeSources = new Set(files.flatMap(({ file, text }) => [...text.matchAll(/^import type [^;]+ from '(\.{1,2}\/[^']+)';$/gm)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])))));
    expect([...typeSources].filter((t) => !t.startsWith('web/src/')).sort()).toEqual(['lib/connections/schemas', 'lib/identity/views']);
    for (const shared of ['lib/pages/report-fields.ts', 'lib/pages/connect-outcome.ts']) {
      expect({ shared, imports: relativeImports(shared, readFileSync(path.join(ROOT, shared), 'utf8')) }).toEqual({ shared, imports: [] });
    }
  });
});
