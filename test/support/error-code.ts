/** The `code` of the error `fn` throws (a typed AppError's API code), or undefined when it does not throw. */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}
