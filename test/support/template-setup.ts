import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_DIR, ROOT, STAGING_PACKAGE_DIR } from './paths';

const run = promisify(execFile);

function packageStage(stage: string, dir: string, buildDir: string, reuse = false) {
  if (!reuse) rmSync(dir, { recursive: true, force: true });
  return run(path.join(ROOT, 'node_modules/.bin/osls'), ['package', '--stage', stage, '--package', dir], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HELPSHELF_BUILD_DIR: buildDir, HELPSHELF_REUSE_ARTIFACTS: reuse ? '1' : '0', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
  });
}

/**
 * Packages the deployed stages once for the template layer: `osls package --stage prod` writes the
 * CloudFormation template and one zip per function into .test-stage/package; `--stage staging`
 * into .test-stage/package-staging, so the promises made for "all of our environments" are checked
 * on a second stage name too. Staging is packaged with prod's function zips
 * (HELPSHELF_REUSE_ARTIFACTS, serverless-esbuild's skipBuild): the bundles do not depend on the
 * stage, its template does, and no test reads staging's zips; building and installing every
 * function a second time took as long again as prod (about 2 minutes on a busy 2-core machine).
 */
export default async function templateSetup(): Promise<void> {
  await packageStage('prod', PACKAGE_DIR, '.esbuild-package');
  rmSync(STAGING_PACKAGE_DIR, { recursive: true, force: true });
  mkdirSync(STAGING_PACKAGE_DIR, { recursive: true });
  for (const zip of readdirSync(PACKAGE_DIR).filter((f) => f.endsWith('.zip'))) copyFileSync(path.join(PACKAGE_DIR, zip), path.join(STAGING_PACKAGE_DIR, zip));
  await packageStage('staging', STAGING_PACKAGE_DIR, '.esbuild-package-staging', true);
}
