import { randomBytes, randomUUID } from 'node:crypto';
import type { Scheduler } from 'fast-check';
import { newIp } from '../../cases/identity.cases';
import { Browser, Mailbox, type Who } from './system';

/**
 * The state of one model run: what each person knows (passwords they chose, mail they read, links
 * they hold, tokens they obtained) and what the identity rules of docs/identity.md say the system
 * must answer. Secrets never appear in a message: everything is named by a label
 * (`owner:pw1`, `vrf#2`, `attacker:ses#1`).
 */
export type Addr = 'owner' | 'attacker';

export interface Password {
  label: string;
  value: string;
  by: Who;
}

export interface Mailed {
  label: string;
  kind: 'vrf' | 'rst' | 'code';
  value: string;
  addr: Addr;
  /** The password of the signup (or unverified login) that had this link mailed. */
  bound?: Password;
  /** Logical time it was read. */
  at: number;
  used: boolean;
  /** Either answer is within the rules (a reset link across a verification). */
  uncertain?: boolean;
}

export interface Held {
  label: string;
  value: string;
  tokenId: string;
  by: Who;
  /** Whose account it is a token of (the address it was obtained for). */
  addr: Addr;
  kind: 'ses' | 'pat';
  /** Logical time its request was sent. */
  sentAt: number;
  /** What the rules say: it works until revoked, logged out or a credential change answers. */
  alive: boolean;
  why?: string;
  /** Either answer is within the rules (a login that overlapped a revoke-all); the next use settles it. */
  uncertain?: boolean;
}

export interface Link {
  label: string;
  url: string;
  by: Who;
  addr: Addr;
  at: number;
  /** Opened in the browser that asked for it (it works once). */
  tried: boolean;
  /** Opened in another browser first (refused there; whether that also ends the link is not a rule). */
  elsewhere?: boolean;
  /** The cookies of the asking browser right after it asked: the flow can only work while they are unchanged. */
  jarAtBegin: string;
}

export interface Account {
  verified: boolean;
  current?: Password;
  /** Logical time of the last credential change that answered (change, reset, revoke-all, verification). */
  changedAt: number;
  /** Failed password attempts seen for the address (a throttle answer is allowed from 5 on). */
  failures: number;
}

export class RuleBroken extends Error {}

export class World {
  clock = 0;
  /** Commands run (for the model-check numbers). */
  commands = 0;
  readonly trace: string[] = [];
  readonly browsers: Record<Who, Browser>;
  /** A second address per person for the twin request of R3 (its own throttle counters). */
  readonly twinIps: Record<Who, string> = { owner: newIp(), attacker: newIp() };
  readonly addresses: Record<Addr, string>;
  readonly mailboxes: Record<Addr, Mailbox>;
  readonly accounts: Record<Addr, Account> = {
    owner: { verified: false, changedAt: 0, failures: 0 },
    attacker: { verified: false, changedAt: 0, failures: 0 },
  };
  readonly ipFailures: Record<Who, number> = { owner: 0, attacker: 0 };
  readonly passwords: Record<Who, Password[]> = { owner: [], attacker: [] };
  readonly mailed: Mailed[] = [];
  readonly held: Held[] = [];
  readonly links: Link[] = [];
  private counters = new Map<string, number>();

  constructor(readonly scheduler: Scheduler | undefined) {
    const run = randomBytes(4).toString('hex');
    this.addresses = { owner: `owner-${run}@example.com`, attacker: `attacker-${run}@example.com` };
    this.mailboxes = { owner: new Mailbox(this.addresses.owner), attacker: new Mailbox(this.addresses.attacker) };
    this.browsers = { owner: new Browser('owner', newIp()), attacker: new Browser('attacker', newIp()) };
  }

  label(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }

  tick(): number {
    this.clock += 1;
    return this.clock;
  }

  /** A password nobody used before, chosen now by `who` (the policy accepts it). */
  choosePassword(who: Who): Password {
    return { label: this.label(`${who}:pw`), value: `violet-harbor-${randomBytes(8).toString('hex')}`, by: who };
  }

  know(password: Password): void {
    if (!this.passwords[password.by].includes(password)) this.passwords[password.by].push(password);
  }

  /** A fresh address nobody registered, for the twin of a request about a registered one (R3). */
  twinAddress(): string {
    return `nobody-${randomUUID()}@example.com`;
  }

  /** Whose mailbox receives mail to `addr`: only that person sees what it carries. */
  static reader(addr: Addr): Who {
    return addr;
  }

  /** Reads new mail of `addr`; verification links are bound to the password of the request that had them sent. */
  async readMail(addr: Addr, bound?: Password): Promise<Mailed[]> {
    const out: Mailed[] = [];
    for (const secret of await this.mailboxes[addr].fresh()) {
      const item: Mailed = { label: this.label(`${secret.kind}#`), kind: secret.kind, value: secret.value, addr, bound: secret.kind === 'vrf' ? bound : undefined, at: this.tick(), used: false };
      this.mailed.push(item);
      out.push(item);
    }
    return out;
  }

  visible(who: Who, kind: Mailed['kind']): Mailed[] {
    return this.mailed.filter((m) => m.kind === kind && World.reader(m.addr) === who);
  }

  liveTokens(who: Who, kind?: Held['kind']): Held[] {
    return this.held.filter((h) => h.by === who && h.alive && (!kind || h.kind === kind));
  }

  /** The rules' consequence of a credential change of `addr`: every token but `spared` stops, older links die. */
  credentialChanged(addr: Addr, at: number, why: string, spared?: string, links: 'end' | 'uncertain' = 'end'): void {
    this.accounts[addr].changedAt = at;
    for (const h of this.held) {
      if (h.addr === addr && h.alive && h.tokenId !== spared && h.sentAt < at) {
        h.alive = false;
        h.why = why;
      }
    }
    for (const m of this.mailed) {
      if (m.addr !== addr || m.kind !== 'rst' || m.at >= at) continue;
      if (links === 'end') m.used = true;
      else m.uncertain = true;
    }
  }

  step(text: string): void {
    this.trace.push(text);
  }

  /** Fails the run naming the rule, with the steps so far (labels only, never a secret). */
  broken(rule: string, text: string): never {
    throw new RuleBroken(`${rule} broken: ${text}\nSteps (this run):\n${this.trace.map((t, i) => `  ${i + 1}. ${t}`).join('\n')}`);
  }

  expect(condition: boolean, rule: string, text: string): void {
    if (!condition) this.broken(rule, text);
  }
}
