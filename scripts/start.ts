/**
 * `npm start`: the whole system on this machine. The AWS emulator (moto) on 127.0.0.1:4566, every
 * table, bucket, queue, key and secret the stage declares, and the API on http://localhost:3000.
 * Ctrl-C stops everything it started.
 */
import { StartupError } from './lib/emulator';
import { startLocalStage, type LocalStage } from './lib/local-stage';

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

  console.log('Starting the HelpShelf local stage…');
  console.log(`  • AWS emulator (moto) on 127.0.0.1:${emulatorPort}`);
  let stage: LocalStage | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stage…');
    await stage?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  stage = await startLocalStage({
    port: apiPort,
    lambdaPort,
    emulatorPort,
    socialProviderPort,
    stripePort,
    socialAccessTokenTtlSeconds: socialTtl,
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || undefined,
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

Try:
  curl -i ${state.baseUrl}/v1/health
  curl ${state.baseUrl}/.well-known/security.txt
  npm run ops -- --help

Press Ctrl-C to stop.
`);

  stage.offline.once('exit', (code) => {
    if (!stopping) {
      console.error(`The local API stopped unexpectedly (exit code ${code}).`);
      void stop(1);
    }
  });
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    console.error(`Cannot start the local stage: ${error.message}`);
  } else {
    console.error('Cannot start the local stage:', error);
  }
  process.exit(1);
});
