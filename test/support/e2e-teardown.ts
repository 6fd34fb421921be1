import type { LocalStage } from '../../scripts/lib/local-stage';
import { registerIssuedTokens } from './connections';

export default async function e2eTeardown(): Promise<void> {
  const stage = (globalThis as { __e2eStage?: LocalStage }).__e2eStage;
  // Every token the stand-in issued joins the leak check, which runs after this teardown.
  if (stage) await registerIssuedTokens(stage.socialProvider.issuer).catch(() => undefined);
  await stage?.stop();
}
