import type { SentMail } from '../lib/emulator-clients';
import type { TestRequest } from '../lib/api-events';

export interface BenchResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type SentMessage = SentMail;

/** What a scenario's setup and request builder may use. Everything runs in-process against the bench's emulator. */
export interface BenchContext {
  /** Sends a request to whichever function serves it (resolved from serverless.yml), in-process. */
  send(request: TestRequest): Promise<BenchResponse>;
  /** True when serverless.yml has this function key. */
  has(functionKey: string): boolean;
  /** Mail the emulator's SES accepted for an address, oldest first. */
  mailTo(address: string): Promise<SentMessage[]>;
  /** A fresh address on the local mail domain. */
  uniqueEmail(tag?: string): string;
  /** A distinct client address per call, so per-IP limits of one iteration never affect another. */
  nextIp(): string;
  /** The local stage's Stripe webhook signing secret. */
  webhookSecret: string;
  /** The emulator endpoint and the stage environment (table names etc.). */
  emulatorEndpoint: string;
  env: Record<string, string>;
}

export interface AwsCallTarget {
  /** Most AWS calls one request may make (SES excluded when plusEmail). */
  max: number;
  /** The target allows SES sends on top of `max` ("signup <= 3 plus the email"). */
  plusEmail?: boolean;
  /** How many SES sends `plusEmail` allows (default 1; an incident report mails reporter and team). */
  emails?: number;
}

/**
 * One warm-latency scenario: a route, how to build its request, and its AWS-call target.
 * `setup` runs once (e.g. "sign up and log in first" through the other handlers) and its result is
 * passed to `request`, which builds the request of iteration `i`.
 */
export interface WarmScenario<State = unknown> {
  name: string;
  method: string;
  path: string;
  /**
   * Other routes (`POST /v1/signup`) or function keys its setup needs; the scenario's own route is
   * always required. Any missing one reports the scenario "not built".
   */
  requires: string[];
  /** The route is answered by the JSON fallback (unknown paths): only `requires` must be served. */
  fallbackRoute?: boolean;
  setup?: (ctx: BenchContext) => Promise<State>;
  request: (ctx: BenchContext, state: State, i: number) => Promise<TestRequest> | TestRequest;
  /** Statuses that count as a successful iteration. */
  expect: number[];
  awsCalls?: AwsCallTarget;
  /** Also measure the raw argon2id verify time at the identity code's parameters (login). */
  compareWithArgon2?: boolean;
  /** Any unexpected response fails the row (default: only a row whose every response was unexpected). */
  everyRequestMustSucceed?: boolean;
  /** Per-scenario iteration cap (writes that create an account per iteration are slower). */
  maxIterations?: number;
  /** Argon2id hashes or verifies one request does (login 1, signup 1, change 2, reset 1): part of its floor. */
  argon2Ops?: number;
}

export interface StripeEventSpec {
  id: string;
  type: string;
  payload: string;
}

/**
 * The Stripe throughput harness: events are signed, posted to the webhook receiver in-process,
 * the queue is drained into the worker with real SQS events. Then a share of the events is
 * delivered again (as Stripe retries do). `inspect` returns, per event, a fingerprint of its
 * applied effect (undefined when not applied): not applied after the first pass = lost; a
 * fingerprint that changes when the event is delivered again = applied twice.
 */
export interface ThroughputSpec<State = unknown> {
  /** The webhook route; its function is the receiver. */
  receiverRoute: string;
  /** The worker: a function key, or `consumer of <QueueLogicalId>` to find the function with that SQS event. */
  worker: string;
  /** Events per run (quick mode uses fewer). */
  events: number;
  /** Share of events delivered a second time. */
  duplicateShare: number;
  setup: (ctx: BenchContext, count: number) => Promise<State>;
  makeEvent: (ctx: BenchContext, state: State, i: number) => StripeEventSpec;
  inspect: (ctx: BenchContext, state: State, events: StripeEventSpec[]) => Promise<Array<string | undefined>>;
}
