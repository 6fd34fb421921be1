import path from 'node:path';
import { PROJECT_ROOT } from './stage-config';

/**
 * What `npm start` writes about the running local stage and the ops CLI reads: kept apart from
 * the code that starts the stage, so the CLI does not load the emulator, provisioning and the
 * stand-in provider just to find the stage's address.
 */

/** Where `npm start` records the running stage, so `npm run ops` finds it without flags. */
export const DEFAULT_STATE_FILE = path.join(PROJECT_ROOT, '.local-stage.json');

export interface LocalStageState {
  baseUrl: string;
  lambdaEndpoint: string;
  emulatorEndpoint: string;
  region: string;
  stage: 'local';
  service: string;
  pid: number;
  /** The stand-in social provider (provider `demo`). */
  socialProviderUrl?: string;
  /** The Stripe API stand-in (scripts/lib/stripe-stand-in.ts). */
  stripeApiUrl?: string;
}
