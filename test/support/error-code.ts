import { AppError } from '../../lib/platform/errors';

/**
 * The API code of the typed error `fn` throws, or undefined when it returns normally. Anything
 * else it throws (a TypeError, a bare Error) is thrown on: a crash is never mistaken for an
 * acceptance.
 */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}
