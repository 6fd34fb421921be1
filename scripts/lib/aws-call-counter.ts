import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the AWS calls a piece of code makes, by adding one SDK middleware from the outside to the
 * module-scope clients that lib/platform/aws/*.ts export. Production code is unchanged: the
 * middleware only counts (it never alters a request), and it is added only by the bench and the
 * tests that import this module.
 *
 * Calls are attributed to the innermost `countAwsCalls` scope through AsyncLocalStorage, so
 * concurrent measurements do not mix; calls outside any scope are added to the global tally.
 */
export interface AwsCall {
  service: string;
  command: string;
  /** Round trip as the caller saw it (SDK serialisation included), once the call has settled. */
  ms?: number;
  /** DynamoDB capacity units of the call, when a bench observer measured them. */
  capacity?: { read: number; write: number };
}

/**
 * An optional observer the bench sets: it may add `ReturnConsumedCapacity` to a DynamoDB request
 * (`before`) and read the response (`after`) to fill `call.capacity`. Tests never set one, and the
 * counter alone never alters a request.
 */
export interface CallObserver {
  before?(call: AwsCall, input: Record<string, unknown>): void;
  after?(call: AwsCall, input: Record<string, unknown>, output: Record<string, unknown> | undefined): void;
}
let observer: CallObserver | undefined;
export function setCallObserver(next: CallObserver | undefined): void {
  observer = next;
}

interface Scope {
  calls: AwsCall[];
}

const storage = new AsyncLocalStorage<Scope>();
const instrumented = new WeakSet<object>();
export const globalTally: AwsCall[] = [];

interface StackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

interface ClientLike {
  middlewareStack: StackLike;
}

function isClient(value: unknown): value is ClientLike {
  return Boolean(value && typeof value === 'object' && 'middlewareStack' in value && typeof (value as ClientLike).middlewareStack?.add === 'function' && 'send' in value);
}

/** Adds the counting middleware to a client once (clients that share a stack are counted once). */
export function instrumentClient(client: ClientLike, service: string): void {
  if (instrumented.has(client.middlewareStack)) return;
  instrumented.add(client.middlewareStack);
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const call: AwsCall = { service, command: context.commandName ?? 'unknown' };
      (storage.getStore()?.calls ?? globalTally).push(call);
      const input = ((args as { input?: Record<string, unknown> }).input ?? {}) as Record<string, unknown>;
      observer?.before?.(call, input);
      const started = process.hrtime.bigint();
      try {
        const out = await next(args);
        call.ms = Number(process.hrtime.bigint() - started) / 1e6;
        observer?.after?.(call, input, (out as { output?: Record<string, unknown> })?.output);
        return out;
      } catch (error) {
        call.ms = Number(process.hrtime.bigint() - started) / 1e6;
        throw error;
      }
    },
    { step: 'initialize', name: 'helpshelfAwsCallCounter', priority: 'high' },
  );
}


/**
 * Instruments every client exported by lib/platform/aws/*.ts. New client modules are picked up by
 * listing the directory, so a merge that adds one (e.g. lambda.ts) is counted without an edit here.
 */
export function instrumentPlatformClients(requireFn: (id: string) => unknown = require): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readdirSync } = require('node:fs') as typeof import('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const dir = path.resolve(__dirname, '../../lib/platform/aws');
  const done: string[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.ts') || ['client-config.ts', 'errors.ts'].includes(file)) continue;
    const mod = requireFn(path.join(dir, file.replace(/\.ts$/, ''))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (isClient(value)) {
        instrumentClient(value, file.replace(/\.ts$/, ''));
        done.push(`${file}:${name}`);
      }
    }
  }
  return done;
}

/** Runs `fn` and returns its result with the AWS calls it made. */
export async function countAwsCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: AwsCall[] }> {
  const scope: Scope = { calls: [] };
  const result = await storage.run(scope, fn);
  return { result, calls: scope.calls };
}
