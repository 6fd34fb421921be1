import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { LOG_DIR } from './paths';

/**
 * Every line the code under test writes to stdout/stderr is appended to a per-worker file in
 * .test-stage/logs, so the reliability suite can prove that no secret used in any test ever
 * reached a log line. Structured log lines are kept out of the test output unless SHOW_LOGS=1.
 */
mkdirSync(LOG_DIR, { recursive: true });
const file = path.join(LOG_DIR, `worker-${process.pid}.log`);
const show = process.env.SHOW_LOGS === '1';

for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const marker = stream as unknown as { __helpshelfCaptured?: boolean };
  if (marker.__helpshelfCaptured) continue;
  marker.__helpshelfCaptured = true;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    appendFileSync(file, text);
    if (show || !(text.startsWith('{"level"') || text.startsWith('{"_aws"'))) return original(chunk, ...rest);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
}
