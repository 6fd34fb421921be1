import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { assertPortFree, emulatorEnvironment, EMULATOR_REGION, freePort, startEmulator, StartupError, type Emulator } from './emulator';
import { startLambdaOriginGuard, type LambdaOriginGuard } from './lambda-origin-guard';
import { guard } from './guardian';
import { provisionStage } from './provision';
import { startSqsPollers } from './sqs-poller';
import { DEFAULT_SOCIAL_PROVIDER_PORT, startSocialProvider, type SocialProvider } from './social-provider';
import { DEFAULT_STRIPE_STAND_IN_PORT, startStripeStandIn, type StripeStandIn } from './stripe-stand-in';
import { DEFAULT_STATE_FILE, type LocalStageState } from './local-stage-state';
import { loadStageConfig, PROJECT_ROOT, type StageConfig } from './stage-config';

export { DEFAULT_STATE_FILE, type LocalStageState } from './local-stage-state';

export interface LocalStageOptions {
  port: number;
  lambdaPort: number;
  emulatorPort: number;
  /** The stand-in social provider's port (default 4610). */
  socialProviderPort?: number;
  /** The Stripe API stand-in's port (default 4620). */
  stripePort?: number;
  /** Lifetime of the stand-in's access tokens (default 300; the tests use 5). */
  socialAccessTokenTtlSeconds?: number;
  webhookSecret?: string;
  stateFile?: string;
  /** esbuild's work folder (relative to the project), so two stages can build side by side. */
  buildDir?: string;
  /** Extra environment for the handlers (tests use it for fault injection and clocks). */
  env?: Record<string, string>;
  log?: (line: string) => void;
  onServerOutput?: (chunk: string) => void;
  /** How long serverless-offline may take to answer /v1/health (default 180 s; esbuild builds every function first). */
  startTimeoutMs?: number;
}

export interface LocalStage {
  state: LocalStageState;
  config: StageConfig;
  emulator: Emulator;
  socialProvider: SocialProvider;
  stripe: StripeStandIn;
  webhookSecret: string;
  webhookSecretGenerated: boolean;
  offline: ChildProcess;
  stop(): Promise<void>;
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StartupError(`The local API (serverless-offline) exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // still starting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new StartupError(`The local API did not answer ${url} within ${timeoutMs / 1000} s`);
}

function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 4000).unref();
  });
}

/**
 * Starts the whole local stage: the AWS emulator, every resource serverless.yml declares for the
 * `local` stage, the secrets, and serverless-offline serving the real handlers.
 */
export async function startLocalStage(options: LocalStageOptions): Promise<LocalStage> {
  const log = options.log ?? (() => undefined);
  await assertPortFree(options.port, 'PORT');
  await assertPortFree(options.lambdaPort, 'LAMBDA_PORT');
  await assertPortFree(options.emulatorPort, 'AWS_EMULATOR_PORT');
  const socialProviderPort = options.socialProviderPort ?? DEFAULT_SOCIAL_PROVIDER_PORT;
  await assertPortFree(socialProviderPort, 'SOCIAL_PROVIDER_PORT');
  const stripePort = options.stripePort ?? DEFAULT_STRIPE_STAND_IN_PORT;
  await assertPortFree(stripePort, 'STRIPE_STAND_IN_PORT');
  // The handlers resolve the provider's endpoints (sls/connection-providers.js) and their own
  // public URL from these, in serverless-offline's process and in this one.
  const publicUrl = `http://localhost:${options.port}`;
  const stageEnv = { SOCIAL_PROVIDER_PORT: String(socialProviderPort), HELPSHELF_PUBLIC_URL: publicUrl, HELPSHELF_STRIPE_API_URL: `http://127.0.0.1:${stripePort}` };
  Object.assign(process.env, stageEnv);

  const configPromise = loadStageConfig('local');
  configPromise.catch(() => undefined); // awaited below; never an unhandled rejection if the emulator fails first
  const emulator = await startEmulator(options.emulatorPort);
  let offline: ChildProcess | undefined;
  let originGuard: LambdaOriginGuard | undefined;
  let socialProvider: SocialProvider | undefined;
  let stripe: StripeStandIn | undefined;
  try {
    stripe = await startStripeStandIn({ port: stripePort });
    log(`stand-in Stripe API on ${stripe.url}`);
    socialProvider = await startSocialProvider({
      port: socialProviderPort,
      redirectUris: [`${publicUrl}/v1/connections/callback`],
      accessTokenTtlSeconds: options.socialAccessTokenTtlSeconds,
      onOutput: options.onServerOutput,
    });
    log(`stand-in social provider on ${socialProvider.issuer}`);
    const config = await configPromise;
    const awsEnv = emulatorEnvironment(emulator.endpoint);

    const webhookSecretGenerated = !options.webhookSecret;
    const webhookSecret = options.webhookSecret ?? generateWebhookSecret();
    await provisionStage(config, {
      region: EMULATOR_REGION,
      endpoint: emulator.endpoint,
      secretValues: {
        StripeWebhookSecret: JSON.stringify({ current: webhookSecret, previous: '' }),
        ConnectionClientSecrets: JSON.stringify({ demo: socialProvider.clientSecret }),
        StripeApiKeySecret: JSON.stringify({ key: stripe.apiKey }),
      },
      log,
    });
    log('resources created in the emulator');

    const state: LocalStageState = {
      baseUrl: `http://localhost:${options.port}`,
      lambdaEndpoint: `http://127.0.0.1:${options.lambdaPort}`,
      emulatorEndpoint: emulator.endpoint,
      region: EMULATOR_REGION,
      stage: 'local',
      service: config.service,
      pid: process.pid,
      socialProviderUrl: socialProvider.issuer,
      stripeApiUrl: stripe.url,
    };

    // Handlers run in serverless-offline's process (custom.serverless-offline.useInProcess): each
    // function's bundle is loaded once and serves every request, as a warm Lambda does. With the
    // default worker threads, every request that finds no idle worker starts a new thread and
    // loads the bundle again (~150-190 ms of CPU each); 100 in flight on 2 busy cores spent longer
    // than the function timeout doing that, and serverless-offline answered 504 (or nothing)
    // before our code ran. Trade-off, local only: functions share process.env (they are all given
    // the same stage values) and concurrent requests of one function share its module, so a
    // request-scoped log key can show another request's id. sls/plugins/local-handler-reload.js
    // reloads a bundle that esbuild rebuilt.
    const offlineLambdaPort = await freePort();
    originGuard = await startLambdaOriginGuard({ port: options.lambdaPort, targetPort: offlineLambdaPort });
    offline = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'osls'), ['offline', 'start', '--stage', 'local'], {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...awsEnv,
        ...stageEnv,
        ...(options.env ?? {}),
        PORT: String(options.port),
        // serverless-offline's invoke API listens on a private port; LAMBDA_PORT is the Origin guard in front of it.
        LAMBDA_PORT: String(offlineLambdaPort),
        HELPSHELF_BUILD_DIR: options.buildDir ?? '.esbuild',
        HELPSHELF_LOCAL_STATE_FILE: options.stateFile ?? DEFAULT_STATE_FILE,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
    });
    guard(offline, { group: true });
    const forward = (chunk: Buffer) => options.onServerOutput?.(chunk.toString());
    offline.stdout?.on('data', forward);
    offline.stderr?.on('data', forward);
    await waitForHttp(`http://127.0.0.1:${options.port}/v1/health`, offline, options.startTimeoutMs ?? 180_000);

    // serverless-offline does not run SQS event sources: deliver queue messages as AWS would.
    const pollers = startSqsPollers(config, { emulatorEndpoint: emulator.endpoint, lambdaEndpoint: state.lambdaEndpoint, region: EMULATOR_REGION, log });

    const stateFile = options.stateFile ?? DEFAULT_STATE_FILE;
    writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);

    const running = offline;
    const provider = socialProvider;
    const stripeStandIn = stripe;
    const runningGuard = originGuard;
    let stopping: Promise<void> | undefined;
    return {
      state,
      config,
      emulator,
      socialProvider: provider,
      stripe: stripeStandIn,
      webhookSecret,
      webhookSecretGenerated,
      offline: running,
      stop: () => {
        stopping ??= (async () => {
          await pollers.stop();
          await killGroup(running);
          await runningGuard.stop();
          await provider.stop();
          await stripeStandIn.stop();
          await emulator.stop();
          rmSync(stateFile, { force: true });
        })();
        return stopping;
      },
    };
  } catch (error) {
    if (offline) await killGroup(offline);
    await originGuard?.stop();
    await socialProvider?.stop();
    await stripe?.stop();
    await emulator.stop();
    throw error;
  }
}
