/**
 * `npm run iam-table [-- --template FILE] [--check]`: writes the table "function → trigger → what
 * it may touch" into docs/access.md, generated from the packaged prod template (so it cannot
 * drift from the roles that are deployed). Without --template it packages the prod stage first
 * (`osls package`, a few seconds). --check only reports whether the committed table is current.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { currentTable, renderIamTable, replaceTable } from './lib/iam-table';
import type { CfnTemplate } from './lib/iam-model';

const ROOT = path.resolve(__dirname, '..');
export const ACCESS_DOC = path.join(ROOT, 'docs', 'access.md');

async function packagedTemplate(): Promise<CfnTemplate> {
  const dir = mkdtempSync(path.join(tmpdir(), 'helpshelf-iam-table-'));
  try {
    await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/osls'), ['package', '--stage', 'prod', '--package', dir], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, HELPSHELF_BUILD_DIR: '.esbuild-iam-table', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    });
    return JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { template: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    process.stdout.write('Usage: npm run iam-table [-- --template FILE] [--check]\nWrites the function → trigger → may-touch table into docs/access.md from the packaged prod template.\n');
    return 0;
  }
  const template = values.template ? (JSON.parse(readFileSync(values.template, 'utf8')) as CfnTemplate) : await packagedTemplate();
  const table = renderIamTable(template);
  const document = readFileSync(ACCESS_DOC, 'utf8');
  if (values.check) {
    const upToDate = currentTable(document) === table;
    process[upToDate ? 'stdout' : 'stderr'].write(upToDate ? 'docs/access.md: the table is up to date.\n' : 'error: docs/access.md: the table is out of date; run `npm run iam-table`.\n');
    return upToDate ? 0 : 1;
  }
  writeFileSync(ACCESS_DOC, replaceTable(document, table));
  process.stdout.write(`docs/access.md: wrote the table (${table.split('\n').length - 2} functions).\n`);
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  });
