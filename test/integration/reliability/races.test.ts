import { RACES } from '../../cases/reliability.targets';
import { missingFunctions, reliabilityContext } from '../../support/reliability';

/**
 * A DynamoDB conditional race: 50 concurrent writers contend for one unique thing, and exactly
 * one wins wherever uniqueness matters. Entries (and what "one winner" means for each) live in
 * test/cases/reliability.targets.ts. Runs against the shared emulator with unique keys.
 */
const CONTENDERS = 50;
const active = RACES.filter((r) => missingFunctions(r.requires).length === 0);
const notBuilt = RACES.filter((r) => missingFunctions(r.requires).length > 0);

describe('under 50 concurrent writers', () => {
  it.each(active.map((r) => [r.name, r] as const))(
    '%s',
    async (_name, race) => {
      // Prepare
      const ctx = reliabilityContext();
      const state = race.prepare ? await race.prepare(ctx) : undefined;
      // Act
      const outcomes = await Promise.allSettled(Array.from({ length: CONTENDERS }, (_, i) => race.contender(ctx, state, i)));
      // Assess
      await race.check(ctx, state, outcomes);
    },
    60_000,
  );

  if (notBuilt.length) it.skip.each(notBuilt.map((r) => [r.name]))('%s (not built yet)', () => undefined);
});
