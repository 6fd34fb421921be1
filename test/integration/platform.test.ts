import { platformCases } from '../cases/platform.cases';
import { viaHandler } from '../support/http';

describe('platform routes, in-process against the emulator', () => {
  it.each(platformCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    await testCase.run(viaHandler);
  });
});
