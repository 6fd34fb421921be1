/**
 * One time source for the whole code base, so tests can freeze or move the clock and so that
 * seconds and milliseconds are never mixed up (TTL attributes are epoch seconds; everything
 * else uses ISO strings or epoch milliseconds, named as such).
 */
let frozenMillis: number | undefined;

export function nowEpochMillis(): number {
  return frozenMillis ?? Date.now();
}

export function nowEpochSeconds(): number {
  return Math.floor(nowEpochMillis() / 1000);
}

export function nowIso(): string {
  return new Date(nowEpochMillis()).toISOString();
}

export function epochSecondsIn(seconds: number): number {
  return nowEpochSeconds() + seconds;
}

/** Test and local-stage hook: pin the clock to an instant, or pass undefined to release it. */
export function setClock(instant: Date | number | string | undefined): void {
  frozenMillis = instant === undefined ? undefined : new Date(instant).getTime();
}
