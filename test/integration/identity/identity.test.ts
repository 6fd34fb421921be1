import { identityCases } from '../../cases/identity.cases';
import { viaHandler } from '../../support/http';

describe('identity routes, in-process against the emulator', () => {
  const ctx = { send: viaHandler, emulator: process.env.HELPSHELF_TEST_EMULATOR! };
  it.each(identityCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(ctx);
  });
});
