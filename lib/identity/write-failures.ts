import { ServiceUnavailableError } from '../platform/errors';

/**
 * What a refused DynamoDB write means, read from the error alone (pure: no client, no I/O).
 *
 * A TransactWriteItems is cancelled for many reasons, one code per item in `CancellationReasons`:
 * a failed condition (`ConditionalCheckFailed`), another transaction on the same items
 * (`TransactionConflict`), or capacity (`ThrottlingError`, `ProvisionedThroughputExceeded`,
 * `RequestLimitExceeded`). Only the first means "the data is not as read"; a throttled
 * transaction read as a failed condition answered "the password was changed meanwhile" to a
 * change that never ran (issue 21 §5). Reasons are read by the name the caller gives each item,
 * never by position.
 */
export type WriteFailure = 'condition' | 'conflict' | 'throttled' | 'other';

const THROTTLED = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

export interface CancellationReason {
  code: string;
  /** The item as it was (typed form), when the item asked for ReturnValuesOnConditionCheckFailure. */
  item?: Record<string, unknown>;
}

function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : undefined;
}

/** The cancellation reasons of a transaction, in item order ('None' for an item that was fine). */
export function cancellationReasons(error: unknown): CancellationReason[] {
  if (errorName(error) !== 'TransactionCanceledException') return [];
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string; Item?: Record<string, unknown> }> }).CancellationReasons ?? [];
  return reasons.map((r) => ({ code: r.Code ?? 'None', ...(r.Item ? { item: r.Item } : {}) }));
}

/** The reasons by the names of the transaction's items (`names[i]` for TransactItems[i]). */
export function reasonsByName<N extends string>(error: unknown, names: readonly N[]): Partial<Record<N, CancellationReason>> {
  const reasons = cancellationReasons(error);
  const out: Partial<Record<N, CancellationReason>> = {};
  names.forEach((name, i) => {
    if (reasons[i]) out[name] = reasons[i];
  });
  return out;
}

/** What a write's error means. A cancellation with no reasons given (some emulators) counts as a failed condition, as before. */
export function classifyWriteFailure(error: unknown): WriteFailure {
  const name = errorName(error);
  if (name === 'ConditionalCheckFailedException') return 'condition';
  if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded') return 'throttled';
  if (name !== 'TransactionCanceledException') return 'other';
  const codes = cancellationReasons(error).map((r) => r.code);
  if (codes.some((c) => THROTTLED.has(c))) return 'throttled';
  if (codes.includes('ConditionalCheckFailed')) return 'condition';
  if (codes.includes('TransactionConflict')) return 'conflict';
  return 'condition';
}

/** True only for a failed condition: never for a throttled or conflicting transaction. */
export function isConditionFailure(error: unknown): boolean {
  return classifyWriteFailure(error) === 'condition';
}

/**
 * Runs one conditional write (a single write or a transaction): true when it was made, false when
 * the data is not as its conditions say (a failed condition, or another transaction on its items
 * won). A throttled transaction did not run and is not a failed condition: 503, as a throttled
 * single write already is; anything else propagates.
 */
export async function conditionalWrite(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    const kind = classifyWriteFailure(error);
    if (kind === 'condition' || kind === 'conflict') return false;
    if (kind === 'throttled') throw new ServiceUnavailableError(undefined, { cause: error });
    throw error;
  }
}
