import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { TEST_STAGE_DIR } from './paths';

/**
 * Tests register every secret they use (passwords, tokens, signing secrets, peppers, card data),
 * so the leak check that runs after the whole suite (test/support/leak-reporter.js) can prove
 * none of them reached a captured log line. Call it right where the secret is made:
 *
 *   const password = `pw-${randomUUID()}`; registerSecret(password, 'signup password');
 *
 * Requests sent with viaHandler/viaHttp (test/support/http.ts) register their password and token
 * fields, bearer and tracking tokens, and the tokens a response issues, automatically; the stage
 * setups register the webhook secret and the pepper. Register by hand what else a test makes
 * (e.g. a token read from a mail, a secret passed to an ops command).
 *
 * Values shorter than 8 characters are ignored by the check (they would match by chance).
 * The registry is a JSON-lines file in .test-stage; each line carries the time it was written,
 * and the check reads only the lines of the current run.
 */
export const SECRETS_REGISTRY = path.join(TEST_STAGE_DIR, 'secrets-registry.jsonl');

export function registerSecret(value: string | undefined | null, label = 'test secret'): void {
  if (!value) return;
  // A plain word or number ('password', '123456789') is what the bad-input tests send precisely
  // because it is no secret; it appears legitimately in error codes and messages.
  if (/^[a-z]+$|^\d+$/i.test(value)) return;
  mkdirSync(TEST_STAGE_DIR, { recursive: true });
  appendFileSync(SECRETS_REGISTRY, `${JSON.stringify({ at: Date.now(), label, value })}\n`);
}

/** Registers a secret and every string inside it when it is JSON (e.g. a Secrets Manager value). */
export function registerSecretValue(secretString: string, label: string): void {
  registerSecret(secretString, label);
  try {
    const parsed = JSON.parse(secretString) as unknown;
    if (parsed && typeof parsed === 'object') {
      for (const [key, inner] of Object.entries(parsed)) if (typeof inner === 'string') registerSecret(inner, `${label}.${key}`);
    }
  } catch {
    // not JSON: the whole string is the secret
  }
}
