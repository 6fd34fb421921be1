import type { Emulator } from '../../scripts/lib/emulator';
import type { SocialProvider } from '../../scripts/lib/social-provider';
import { registerIssuedTokens } from './connections';

export default async function integrationTeardown(): Promise<void> {
  const social = (globalThis as { __socialProvider?: SocialProvider }).__socialProvider;
  // Every token the stand-in issued joins the leak check, which runs after this teardown.
  if (social) await registerIssuedTokens(social.issuer).catch(() => undefined);
  await social?.stop();
  await (globalThis as { __stripeStandIn?: { stop(): Promise<void> } }).__stripeStandIn?.stop();
  await (globalThis as { __emulator?: Emulator }).__emulator?.stop();
}
