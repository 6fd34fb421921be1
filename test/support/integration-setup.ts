import { mkdirSync, writeFileSync } from 'node:fs';
import { emulatorEnvironment, EMULATOR_REGION, freePort, startEmulator } from '../../scripts/lib/emulator';
import { provisionStage } from '../../scripts/lib/provision';
import { allFunctionsEnvironment, loadStageConfig } from '../../scripts/lib/stage-config';
import { FUNCTIONS_FILE, LOG_DIR, STAGE_CONFIG_FILE, TEST_STAGE_DIR } from './paths';
import { registerStageSecrets } from './stage-secrets';
import { TEST_WEBHOOK_SECRET } from './secrets';
import { startSocialProvider } from '../../scripts/lib/social-provider';
import { startStripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { registerSecret } from './secrets-registry';
import { SOCIAL_TOKEN_TTL_SECONDS, TEST_PUBLIC_URL } from './connections';

/**
 * One emulator for the integration layer, on a free port, holding every resource the local stage
 * declares. Jest workers inherit the environment set here, so handlers imported in-process read
 * the same configuration serverless.yml gives them and talk to the emulator through
 * AWS_ENDPOINT_URL.
 */
export default async function integrationSetup(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  // The stand-in social provider first: the stage's provider list names its port.
  const socialProvider = await startSocialProvider({
    port: await freePort(),
    redirectUris: [`${TEST_PUBLIC_URL}/v1/connections/callback`],
    accessTokenTtlSeconds: SOCIAL_TOKEN_TTL_SECONDS,
  });
  (globalThis as { __socialProvider?: typeof socialProvider }).__socialProvider = socialProvider;
  process.env.SOCIAL_PROVIDER_PORT = new URL(socialProvider.issuer).port;
  process.env.HELPSHELF_PUBLIC_URL = TEST_PUBLIC_URL;
  process.env.HELPSHELF_TEST_SOCIAL_PROVIDER = socialProvider.issuer;
  registerSecret(socialProvider.clientSecret, 'stand-in provider client secret');
  // The Stripe API stand-in, which the real Stripe SDK reaches through STRIPE_API_URL.
  const stripe = await startStripeStandIn({ port: await freePort() });
  (globalThis as { __stripeStandIn?: typeof stripe }).__stripeStandIn = stripe;
  process.env.HELPSHELF_STRIPE_API_URL = stripe.url;
  process.env.HELPSHELF_TEST_STRIPE_API = stripe.url;
  registerSecret(stripe.apiKey, 'stand-in Stripe API key');

  const [config, port] = await Promise.all([loadStageConfig('local'), freePort()]);
  const emulator = await startEmulator(port);
  (globalThis as { __emulator?: typeof emulator }).__emulator = emulator;

  const env = { ...allFunctionsEnvironment(config), ...emulatorEnvironment(emulator.endpoint), POWERTOOLS_DEV: 'false' };
  Object.assign(process.env, env);
  process.env.HELPSHELF_TEST_EMULATOR = emulator.endpoint;
  process.env.HELPSHELF_TEST_EMULATOR_PID = String(emulator.process.pid);

  await provisionStage(config, {
    region: EMULATOR_REGION,
    endpoint: emulator.endpoint,
    secretValues: {
      StripeWebhookSecret: JSON.stringify({ current: TEST_WEBHOOK_SECRET, previous: '' }),
      ConnectionClientSecrets: JSON.stringify({ demo: socialProvider.clientSecret }),
      StripeApiKeySecret: JSON.stringify({ key: stripe.apiKey }),
    },
  });
  mkdirSync(TEST_STAGE_DIR, { recursive: true });
  writeFileSync(FUNCTIONS_FILE, JSON.stringify(config.functions, null, 2));
  // The resolved config, for tests that start a private emulator (reliability suite) without a second `osls print`.
  writeFileSync(STAGE_CONFIG_FILE, JSON.stringify(config));
  await registerStageSecrets(emulator.endpoint, env);
}
