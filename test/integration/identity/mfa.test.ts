import { mfaCases } from '../../cases/mfa.cases';
import { viaHandler } from '../../support/http';

describe('second factors and recent sign-in, in-process against the emulator', () => {
  const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
  it.each(mfaCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });
});
