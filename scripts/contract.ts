import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiDocument, routeTable } from '../lib/api/routes';

/**
 * `npm run contract`: writes the OpenAPI document (docs/openapi.json) and the route table
 * (lib/http/routes.json) from the route contracts in lib/api/routes.ts.
 */
export const CONTRACT_FILES = {
  openapi: 'docs/openapi.json',
  routes: 'lib/http/routes.json',
} as const;

/** One route per line, as the table has always been written (small diffs, easy merges). */
function renderRouteTable(): string {
  const { comment, routes } = routeTable();
  const lines = routes.map((r) => `    { "method": ${JSON.stringify(r.method)}, "path": ${JSON.stringify(r.path)} }`);
  return `{\n  "comment": ${JSON.stringify(comment)},\n  "routes": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

export function renderContractFiles(): Record<keyof typeof CONTRACT_FILES, string> {
  return {
    openapi: `${JSON.stringify(apiDocument(), null, 2)}\n`,
    routes: renderRouteTable(),
  };
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const rendered = renderContractFiles();
  for (const [key, file] of Object.entries(CONTRACT_FILES)) {
    writeFileSync(path.join(root, file), rendered[key as keyof typeof CONTRACT_FILES]);
    console.log(`wrote ${file}`);
  }
}
