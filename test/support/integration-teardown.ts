import type { Emulator } from '../../scripts/lib/emulator';

export default async function integrationTeardown(): Promise<void> {
  await (globalThis as { __emulator?: Emulator }).__emulator?.stop();
}
