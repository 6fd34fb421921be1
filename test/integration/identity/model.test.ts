import fc from 'fast-check';
import { identityCommands, newWorld } from '../../support/identity-model/commands';
import { checkTokens } from '../../support/identity-model/ops';

/**
 * The identity rules of docs/identity.md (R1–R5), proved as properties of the whole system rather
 * than case by case: fast-check generates sequences of requests by two people, the owner and an
 * attacker, each with their own browser (cookie jar, address) and their own mailbox, against the
 * real handlers in-process on the emulator (and the stand-in social provider), and judges every
 * answer by the rules (test/support/identity-model). A failing run prints the shrunk sequence and
 * the resolved steps, with labels instead of secrets.
 *
 * `npm test` runs a bounded number of sequences; `npm run model-check` runs hundreds
 * (MODEL_RUNS, MODEL_MAX_COMMANDS; MODEL_SEED to replay a run; MODEL_WITHOUT=connect,race to leave
 * command families out).
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 20);
const MAX_COMMANDS = Number(process.env.MODEL_MAX_COMMANDS ?? 16);
const SEED = process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED);

describe('identity rules, model-based (R1–R5 of docs/identity.md)', () => {
  it(`hold for ${RUNS} generated sequences of up to ${MAX_COMMANDS} requests by the owner and an attacker, races included`, async () => {
    const started = Date.now();
    const stats = { sequences: 0, commands: 0 };
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.boolean(), identityCommands(MAX_COMMANDS, (process.env.MODEL_WITHOUT ?? '').split(',').filter(Boolean)), async (s, ownerSignedUp, cmds) => {
        const world = await newWorld(s, ownerSignedUp);
        await fc.asyncModelRun(() => ({ model: world, real: world }), cmds);
        await checkTokens(world);
        stats.sequences += 1;
        stats.commands += world.commands;
        if (process.env.MODEL_DEBUG) process.stderr.write(`run: ${world.commands} commands\n${world.trace.join('\n')}\n`);
      }),
      { numRuns: RUNS, seed: SEED, unbiased: true, endOnFailure: process.env.MODEL_SHRINK === '0' },
    );
    process.stderr.write(`identity model: ${stats.sequences} sequences, ${stats.commands} commands, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }, Number(process.env.MODEL_TIMEOUT_MS ?? 600_000));
});
