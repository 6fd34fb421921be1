import { readFileSync } from 'node:fs';
import { emulatorEnvironment, EMULATOR_REGION, freePort, startEmulator, type Emulator } from '../../scripts/lib/emulator';
import { provisionStage } from '../../scripts/lib/provision';
import type { StageConfig } from '../../scripts/lib/stage-config';
import { STAGE_CONFIG_FILE } from './paths';
import { TEST_WEBHOOK_SECRET } from './secrets';
import { registerStageSecrets } from './stage-secrets';

/**
 * An emulator of one test file's own, provisioned like the shared one (same table names), for
 * tests that must see every write (the fuzzer's "data unchanged") or stop the emulator (faults).
 * Point the code under test at it with `useEndpoint` BEFORE the handlers are required: the SDK
 * clients are module-scope and read AWS_ENDPOINT_URL.
 */
export interface PrivateEmulator {
  endpoint: string;
  port: number;
  config: StageConfig;
  /** Stops moto (the port stays ours: nothing else is started on it until restart). */
  stop(): Promise<void>;
  /** Starts moto again on the same port and provisions it again (moto keeps no state across restarts). */
  restart(): Promise<void>;
}

export function stageConfig(): StageConfig {
  return JSON.parse(readFileSync(STAGE_CONFIG_FILE, 'utf8')) as StageConfig;
}

async function provision(config: StageConfig, endpoint: string): Promise<void> {
  await provisionStage(config, {
    region: EMULATOR_REGION,
    endpoint,
    secretValues: { StripeWebhookSecret: JSON.stringify({ current: TEST_WEBHOOK_SECRET, previous: '' }) },
  });
}

export async function startPrivateEmulator(): Promise<PrivateEmulator> {
  const config = stageConfig();
  const port = await freePort();
  let current: Emulator = await startEmulator(port);
  await provision(config, current.endpoint);
  await registerStageSecrets(current.endpoint, config.provider.environment as Record<string, string>);
  return {
    endpoint: current.endpoint,
    port,
    config,
    stop: () => current.stop(),
    restart: async () => {
      await current.stop();
      current = await startEmulator(port);
      await provision(config, current.endpoint);
      await registerStageSecrets(current.endpoint, config.provider.environment as Record<string, string>);
    },
  };
}

/** Points AWS_ENDPOINT_URL (and the test helpers) of this test file at an endpoint. */
export function useEndpoint(endpoint: string): void {
  Object.assign(process.env, emulatorEnvironment(endpoint));
  process.env.HELPSHELF_TEST_EMULATOR = endpoint;
}
