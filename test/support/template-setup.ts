import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_DIR, ROOT, STAGING_PACKAGE_DIR } from './paths';

const run = promisify(execFile);

function packageStage(stage: string, dir: string, buildDir: string) {
  rmSync(dir, { recursive: true, force: true });
  return run(path.join(ROOT, 'node_modules/.bin/osls'), ['package', '--stage', stage, '--package', dir], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HELPSHELF_BUILD_DIR: buildDir, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
  });
}

/**
 * Packages the deployed stages once for the template layer: `osls package --stage prod` writes the
 * CloudFormation template and one zip per function into .test-stage/package; `--stage staging`
 * into .test-stage/package-staging, so the promises made for "all of our environments" are checked
 * on a second stage name too. One after the other: run side by side, the two npm installs of the
 * externals collided (and took three times as long on a 2-core machine).
 */
export default async function templateSetup(): Promise<void> {
  await packageStage('prod', PACKAGE_DIR, '.esbuild-package');
  await packageStage('staging', STAGING_PACKAGE_DIR, '.esbuild-package-staging');
}
