import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A temporary directory of a script (the bench's bundles, a browser profile) that is removed when
 * the script is done with it, when it fails, and when it exits or is interrupted (Ctrl-C, kill):
 * a script that is stopped half-way leaves nothing in /tmp.
 */
export interface TempDir {
  path: string;
  remove(): void;
}

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      removeAll();
      process.exit(code);
    });
  }
}

export function tempDir(prefix: string): TempDir {
  hook();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  live.add(dir);
  return {
    path: dir,
    remove() {
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };
}
