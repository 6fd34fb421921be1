import * as z from 'zod/mini';

/**
 * What runtime code uses from zod is `zod/mini`: its functional API is tree-shaken to what a
 * bundle uses, where the classic API's methods (each schema carries them all) pull every check,
 * format and wrapper into every bundle: ~90 KiB minified and several milliseconds of cold init
 * per function. Classic zod stays in tests and scripts. Two classic helpers mini lacks:
 */

type Schema = z.core.$ZodType;

/**
 * Classic `.meta(data)`: a copy with `data` in the global registry (the OpenAPI document reads
 * it). Not `.check(z.meta(data))`, which links the copy to its parent and adds a check, and would
 * change the generated document.
 */
export function withMeta<S extends Schema>(schema: S, data: z.core.GlobalMeta): S {
  const copy = z.clone(schema) as S;
  z.globalRegistry.add(copy, data);
  return copy;
}

/** Classic `z.preprocess`: the same pipe (a transform, then the schema). */
export function preprocess<S extends Schema>(fn: (value: unknown) => unknown, schema: S) {
  return z.pipe(z.transform(fn), schema);
}
