import type { LocalStage } from '../../scripts/lib/local-stage';

export default async function e2eTeardown(): Promise<void> {
  await (globalThis as { __e2eStage?: LocalStage }).__e2eStage?.stop();
}
