/**
 * The codes a field's problems are reported with. By default they come from the field's name
 * (`creditAs` → `missing_credit_as`, `invalid_credit_as`, `credit_as_too_long`,
 * `empty_credit_as`); a field registered here with `codedField` says otherwise, e.g. the
 * identity routes that have always answered `invalid_request` for a missing field.
 *
 * A plain WeakMap keyed by schema, in a module that does not import zod: the shared middleware
 * reaches it through lib/http/issues.ts, and importing zod there put all of zod (~460 KiB) into
 * every function's bundle, those without a contract included (health cold init 9 ms → 138 ms).
 */
export interface FieldCodes {
  missing?: string;
  invalid?: string;
  tooLong?: string;
  empty?: string;
}

const bySchema = new WeakMap<object, FieldCodes>();

export const fieldCodes = {
  add(schema: object, codes: FieldCodes) {
    bySchema.set(schema, codes);
    return fieldCodes;
  },
  get(schema: object): FieldCodes | undefined {
    return bySchema.get(schema);
  },
};
