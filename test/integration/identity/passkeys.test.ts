import { passkeyCases } from '../../cases/passkeys.cases';
import { viaHandler } from '../../support/http';

describe('passkeys, in-process against the emulator', () => {
  const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR!, origin: process.env.PASSKEY_ORIGIN! };
  it.each(passkeyCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });
});
