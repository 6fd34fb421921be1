import { randomBytes } from 'node:crypto';

/**
 * Secrets the test stages are seeded with. They are random per run, and the reliability suite
 * checks that none of them appears in any captured log line.
 */
export const TEST_WEBHOOK_SECRET = process.env.HELPSHELF_TEST_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64url')}`;
process.env.HELPSHELF_TEST_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
