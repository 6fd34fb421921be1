import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../scripts/lib/emulator';
import { startLocalStage, type LocalStage } from '../../scripts/lib/local-stage';
import { E2E_STATE_FILE, LOG_DIR } from './paths';
import { TEST_WEBHOOK_SECRET } from './secrets';
import { registerStageSecrets } from './stage-secrets';
import { functionEnvironment } from '../../scripts/lib/stage-config';
import { SOCIAL_TOKEN_TTL_SECONDS } from './connections';
import { registerSecret } from './secrets-registry';

/**
 * Starts the real local stage (emulator + serverless-offline) on free ports, exactly as
 * `npm start` does, with the server's output captured to .test-stage/logs/e2e-server.log.
 */
export default async function e2eSetup(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  const serverLog = createWriteStream(path.join(LOG_DIR, 'e2e-server.log'), { flags: 'a' });
  const [port, lambdaPort, emulatorPort, socialProviderPort, stripePort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const stage: LocalStage = await startLocalStage({
    port,
    lambdaPort,
    emulatorPort,
    socialProviderPort,
    stripePort,
    socialAccessTokenTtlSeconds: SOCIAL_TOKEN_TTL_SECONDS,
    webhookSecret: TEST_WEBHOOK_SECRET,
    stateFile: E2E_STATE_FILE,
    buildDir: '.esbuild-e2e',
    onServerOutput: (chunk) => serverLog.write(chunk),
  });
  (globalThis as { __e2eStage?: LocalStage }).__e2eStage = stage;
  process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
  // The stage's own public URL (http://localhost:PORT): the connect flow's callback and app URL
  // are on it, so a browser that must come back to the page it left (sessionStorage is per
  // origin) browses this one.
  process.env.E2E_PUBLIC_URL = stage.state.baseUrl;
  process.env.E2E_STATE_FILE = E2E_STATE_FILE;
  process.env.E2E_EMULATOR_ENDPOINT = stage.emulator.endpoint;
  process.env.E2E_SOCIAL_PROVIDER = stage.socialProvider.issuer;
  registerSecret(stage.socialProvider.clientSecret, 'stand-in provider client secret');
  process.env.E2E_STRIPE_API = stage.stripe.url;
  registerSecret(stage.stripe.apiKey, 'stand-in Stripe API key');
  await registerStageSecrets(stage.emulator.endpoint, functionEnvironment(stage.config));
}
