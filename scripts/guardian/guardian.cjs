// The local stage's guardian (scripts/lib/guardian.ts starts it): a tiny detached process that
// outlives `npm start` just long enough to end what it started. It reads lines on stdin:
//   `pid N`    a child process to end;   `group N`  a process group to end (detached children);
//   `release N` pid N has exited (a group stays listed: its leader may leave children behind);
//   `clear`    the stage stopped everything itself: forget the list.
// Only the start script holds the write end of that pipe, so stdin ends when the start script
// exits in any way (a signal it handled, SIGKILL, a crash, its parent dying): the guardian then
// sends SIGTERM to everything still on its list, SIGKILL to whatever is left after a few seconds,
// and exits. It is in its own session, so Ctrl-C and a closing terminal do not reach it.
'use strict';

const targets = new Map(); // "pid N" / "group N" → signal target (N or -N)
let buffer = '';

function handle(line) {
  const [kind, raw] = line.trim().split(/\s+/);
  const n = Number(raw);
  if (kind === 'clear') targets.clear();
  else if ((kind === 'pid' || kind === 'group') && Number.isInteger(n) && n > 1) targets.set(`${kind} ${n}`, kind === 'group' ? -n : n);
  else if (kind === 'release' && Number.isInteger(n)) targets.delete(`pid ${n}`);
}

function signal(target, sig) {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false; // already gone
  }
}

function endAll() {
  const alive = [...targets.values()].filter((t) => signal(t, 'SIGTERM'));
  if (alive.length === 0) process.exit(0);
  const deadline = Date.now() + 5000;
  const timer = setInterval(() => {
    const left = alive.filter((t) => signal(t, 0));
    if (left.length === 0) process.exit(0);
    if (Date.now() > deadline) {
      for (const t of left) signal(t, 'SIGKILL');
      clearInterval(timer);
      process.exit(0);
    }
  }, 100);
}

for (const sig of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(sig, () => undefined);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    handle(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
  }
});
process.stdin.on('end', endAll);
process.stdin.on('error', endAll);
