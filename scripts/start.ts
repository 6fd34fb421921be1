/**
 * `npm start`: the whole system on this machine. The AWS emulator (moto) on 127.0.0.1:4566, every
 * table, bucket, queue, key and secret the stage declares, and the API on http://localhost:3000.
 * Once ready, it takes the first backup and runs the restore drill in the background.
 *
 * Whatever ends it stops everything it started: SIGINT (Ctrl-C), SIGTERM (a process manager, an
 * editor's stop button; package.json's `exec` makes npm's shell hand this process the signal npm
 * forwards), SIGHUP (the terminal closing), and its parent dying (npm killed: a check loop sees
 * this process re-parented). If this process itself dies without cleaning up (SIGKILL, a crash,
 * a signal during start-up), the guardian (scripts/lib/guardian.ts) ends what it had started.
 */
import path from 'node:path';
import { StartupError } from './lib/emulator';
import { runFirstBackup, type FirstBackupResult } from './lib/first-backup';
import { releaseAll, startGuardian } from './lib/guardian';
import { startLocalStage, type LocalStage } from './lib/local-stage';
import { PROJECT_ROOT } from './lib/stage-config';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a port number between 1 and 65535, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 86_400) {
    console.error(`${name} must be a whole number of seconds between 1 and 86400, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const apiPort = port('PORT', 3000);
  const lambdaPort = port('LAMBDA_PORT', 3002);
  const emulatorPort = port('AWS_EMULATOR_PORT', 4566);
  const socialProviderPort = port('SOCIAL_PROVIDER_PORT', 4610);
  const stripePort = port('STRIPE_STAND_IN_PORT', 4620);
  const socialTtl = seconds('SOCIAL_ACCESS_TOKEN_TTL_SECONDS', 300);
  const verbose = process.env.VERBOSE === '1';
  const started = Date.now();

  // A closed terminal or pipe must not turn the last lines into a crash while stopping.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  startGuardian();
  console.log('Starting the HelpShelf local stage…');
  console.log(`  • AWS emulator (moto) on 127.0.0.1:${emulatorPort}`);
  let stage: LocalStage | undefined;
  let stopping = false;
  const background = new AbortController();
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stage…');
    background.abort();
    await stage?.stop();
    // Stopped cleanly: the guardian has nothing left to end. (Stopped during start-up, the stage
    // is not assigned yet: the guardian ends what was started so far when this process exits.)
    if (stage) releaseAll();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // npm killed (SIGKILL, or a SIGHUP it does not pass on): this process is re-parented.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 500).unref();

  stage = await startLocalStage({
    port: apiPort,
    lambdaPort,
    emulatorPort,
    socialProviderPort,
    stripePort,
    socialAccessTokenTtlSeconds: socialTtl,
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || undefined,
    // The e2e test of this script runs it beside the developer's own stage.
    stateFile: process.env.HELPSHELF_LOCAL_STATE_FILE ? path.resolve(PROJECT_ROOT, process.env.HELPSHELF_LOCAL_STATE_FILE) : undefined,
    buildDir: process.env.HELPSHELF_BUILD_DIR || undefined,
    startTimeoutMs: seconds('HELPSHELF_START_TIMEOUT_SECONDS', 180) * 1000,
    log: (line) => {
      if (verbose || line.startsWith('resources') || line.startsWith('stand-in')) console.log(`  • ${line}`);
    },
    onServerOutput: (chunk) => {
      // Handler logs and serverless-offline's request lines, shown as they come.
      process.stdout.write(chunk);
    },
  });
  if (stopping) return;

  const { state } = stage;
  console.log(`
HelpShelf local stage is ready (${((Date.now() - started) / 1000).toFixed(1)} s).

  API:            ${state.baseUrl}
  AWS emulator:   ${state.emulatorEndpoint}   (AWS_ENDPOINT_URL for your own scripts)
  Lambda invoke:  ${state.lambdaEndpoint}   (used by npm run ops)
  Social provider: ${state.socialProviderUrl}   (stand-in provider "demo"; /_local/tokens lists its tokens)
  Stripe API:      ${state.stripeApiUrl}   (stand-in for the calls the backend makes; /_local/customers lists customers)
  Stripe webhook: ${stage.webhookSecretGenerated ? `${stage.webhookSecret}   (generated; set STRIPE_WEBHOOK_SECRET to choose it)` : 'from STRIPE_WEBHOOK_SECRET'}

Backups: taking the first backup and running the restore drill in the background (a line here
when they are done; then ${state.baseUrl}/security shows them).

Try:
  curl -i ${state.baseUrl}/v1/health
  curl ${state.baseUrl}/.well-known/security.txt
  npm run ops -- --help

Press Ctrl-C to stop.
`);
  void runFirstBackup(stage.config, { lambdaEndpoint: state.lambdaEndpoint, signal: background.signal }).then((result) => {
    if (!stopping) console.log(firstBackupLine(result, state.baseUrl));
  });

  stage.offline.once('exit', (code) => {
    if (!stopping) {
      console.error(`The local API stopped unexpectedly (exit code ${code}).`);
      void stop(1);
    }
  });
}

function firstBackupLine(result: FirstBackupResult, baseUrl: string): string {
  if (result.outcome === 'done') {
    return `\n  • Backups: first backup completed (${result.tables} tables) and restore drill ${result.drillStatus} in ${result.seconds} s; ${baseUrl}/security shows them.\n`;
  }
  if (result.outcome === 'failed') {
    return `\n  • Backups: the first backup or restore drill did not finish (${result.step}: ${result.message}, after ${result.seconds} s); npm run ops -- backups list shows where it stands.\n`;
  }
  return '';
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    console.error(`Cannot start the local stage: ${error.message}`);
  } else {
    console.error('Cannot start the local stage:', error);
  }
  process.exit(1);
});
