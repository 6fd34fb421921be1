import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_DIR, ROOT } from './paths';

const run = promisify(execFile);

/**
 * Packages a deployed stage once for the template layer: `osls package --stage prod` writes the
 * CloudFormation template and one zip per function into .test-stage/package.
 */
export default async function templateSetup(): Promise<void> {
  rmSync(PACKAGE_DIR, { recursive: true, force: true });
  await run(path.join(ROOT, 'node_modules/.bin/osls'), ['package', '--stage', 'prod', '--package', PACKAGE_DIR], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HELPSHELF_BUILD_DIR: '.esbuild-package', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
  });
}
