import fc from 'fast-check';
import { connectBegin, connectFinish, mayOpen } from './connect';
import * as op from './ops';
import { race, type RaceChange } from './race';
import type { Who } from './system';
import { World, type Addr } from './world';

/**
 * The commands of the identity model. Arguments are choices (who acts, which of the links,
 * passwords or tokens that person has, by index), resolved against what that person has when the
 * command runs: a person uses only what they chose, read in their own mailbox or obtained.
 * `toString` is the shrunk sequence fast-check prints; the error message adds the resolved steps.
 */
type Cmd = fc.AsyncCommand<World, World>;
const pick = <T>(items: T[], n: number): T => items[n % items.length];
const addrOf = (who: Who, n: number): Addr => (who === 'owner' ? 'owner' : n % 2 === 0 ? 'owner' : 'attacker');

abstract class Base implements Cmd {
  abstract check: (w: Readonly<World>) => boolean;
  abstract act: (w: World) => Promise<void>;
  abstract toString: () => string;
  /** Commands that can end tokens are followed by a check of every token anyone holds. */
  readonly checksTokens: boolean = false;
  async run(w: World): Promise<void> {
    w.commands += 1;
    await this.act(w);
    if (this.checksTokens) await op.checkTokens(w);
  }
}

const sessions = (w: Readonly<World>, who: Who) => w.held.filter((h) => h.by === who && h.kind === 'ses');

class Signup extends Base {
  constructor(readonly who: Who, readonly n: number) { super(); }
  check = () => true;
  act = async (w: World) => {
    const pw = w.choosePassword(this.who);
    w.know(pw);
    await op.signup(w, this.who, addrOf(this.who, this.n), pw);
  };
  toString = () => `${this.who}.signup(${addrOf(this.who, this.n)}@)`;
}

class Verify extends Base {
  constructor(readonly who: Who, readonly link: number, readonly pw: number) { super(); }
  check = (w: Readonly<World>) => w.visible(this.who, 'vrf').length > 0 && w.passwords[this.who].length > 0;
  act = (w: World) => op.verify(w, this.who, pick(w.visible(this.who, 'vrf'), this.link), pick(w.passwords[this.who], this.pw));
  toString = () => `${this.who}.verify(link ${this.link}, password ${this.pw})`;
}

class Login extends Base {
  constructor(readonly who: Who, readonly n: number, readonly pw: number, readonly withCode: boolean) { super(); }
  check = (w: Readonly<World>) => w.passwords[this.who].length > 0 && (!this.withCode || (op.unlockServed() && w.visible(this.who, 'code').length > 0));
  act = (w: World) => {
    // The newest code the person has read (used or not: a used one must not let an attempt through).
    const codes = w.visible(this.who, 'code');
    return op.login(w, this.who, addrOf(this.who, this.n), pick(w.passwords[this.who], this.pw), this.withCode ? codes.at(-1) : undefined);
  };
  toString = () => `${this.who}.login(${addrOf(this.who, this.n)}@, password ${this.pw}${this.withCode ? ', newest unlock code' : ''})`;
}

class Unlock extends Base {
  constructor(readonly who: Who, readonly n: number) { super(); }
  check = () => op.unlockServed();
  act = (w: World) => op.unlock(w, this.who, addrOf(this.who, this.n));
  toString = () => `${this.who}.unlock(${addrOf(this.who, this.n)}@)`;
}

class ResetRequest extends Base {
  constructor(readonly who: Who, readonly n: number) { super(); }
  check = () => true;
  act = (w: World) => op.resetRequest(w, this.who, addrOf(this.who, this.n));
  toString = () => `${this.who}.resetRequest(${addrOf(this.who, this.n)}@)`;
}

class Reset extends Base {
  override readonly checksTokens = true;
  constructor(readonly who: Who, readonly link: number) { super(); }
  check = (w: Readonly<World>) => w.visible(this.who, 'rst').length > 0;
  act = (w: World) => op.reset(w, this.who, pick(w.visible(this.who, 'rst'), this.link), w.choosePassword(this.who));
  toString = () => `${this.who}.reset(link ${this.link})`;
}

class Change extends Base {
  override readonly checksTokens = true;
  constructor(readonly who: Who, readonly token: number, readonly pw: number) { super(); }
  check = (w: Readonly<World>) => sessions(w, this.who).length > 0 && w.passwords[this.who].length > 0;
  act = (w: World) => op.changePassword(w, this.who, pick(sessions(w, this.who), this.token), pick(w.passwords[this.who], this.pw), w.choosePassword(this.who));
  toString = () => `${this.who}.changePassword(session ${this.token}, current password ${this.pw})`;
}

class CreateToken extends Base {
  constructor(readonly who: Who, readonly token: number) { super(); }
  check = (w: Readonly<World>) => sessions(w, this.who).length > 0;
  act = (w: World) => op.createToken(w, this.who, pick(sessions(w, this.who), this.token));
  toString = () => `${this.who}.createToken(session ${this.token})`;
}

class Revoke extends Base {
  override readonly checksTokens = true;
  constructor(readonly who: Who, readonly token: number, readonly target: number) { super(); }
  check = (w: Readonly<World>) => w.held.some((h) => h.by === this.who);
  act = (w: World) => {
    const mine = w.held.filter((h) => h.by === this.who);
    return op.revoke(w, this.who, pick(mine, this.token), pick(mine, this.target));
  };
  toString = () => `${this.who}.revoke(token ${this.token} revokes token ${this.target})`;
}

class RevokeAll extends Base {
  override readonly checksTokens = true;
  constructor(readonly who: Who, readonly token: number) { super(); }
  check = (w: Readonly<World>) => w.held.some((h) => h.by === this.who);
  act = (w: World) => op.revokeAll(w, this.who, pick(w.held.filter((h) => h.by === this.who), this.token));
  toString = () => `${this.who}.revokeAll(token ${this.token})`;
}

class Logout extends Base {
  override readonly checksTokens = true;
  constructor(readonly who: Who, readonly token: number) { super(); }
  check = (w: Readonly<World>) => w.held.some((h) => h.by === this.who);
  act = (w: World) => op.logout(w, this.who, pick(w.held.filter((h) => h.by === this.who), this.token));
  toString = () => `${this.who}.logout(token ${this.token})`;
}

class ConnectBegin extends Base {
  constructor(readonly who: Who, readonly token: number) { super(); }
  check = (w: Readonly<World>) => w.liveTokens(this.who, 'ses').length > 0;
  act = (w: World) => connectBegin(w, this.who, pick(w.liveTokens(this.who, 'ses'), this.token));
  toString = () => `${this.who}.connectBegin(live session ${this.token})`;
}

class ConnectFinish extends Base {
  constructor(readonly browser: Who, readonly link: number) { super(); }
  private links = (w: Readonly<World>) => w.links.filter((l) => mayOpen(l, this.browser));
  check = (w: Readonly<World>) => this.links(w).length > 0;
  act = (w: World) => connectFinish(w, pick(this.links(w), this.link), this.browser);
  toString = () => `${this.browser}'s browser opens connect link ${this.link}${this.browser === 'owner' ? ' (its own, or one the attacker sent)' : ''}`;
}

type RaceKind = RaceChange['kind'];
class Race extends Base {
  override readonly checksTokens = true;
  constructor(readonly kind: RaceKind, readonly logins: Array<{ who: Who; pw: number }>) { super(); }
  check = (w: Readonly<World>) => {
    if (!w.accounts.owner.verified || !w.accounts.owner.current) return false;
    if (this.kind === 'reset') return w.visible('owner', 'rst').some((l) => !l.used && !l.uncertain);
    return w.liveTokens('owner', 'ses').some((h) => h.addr === 'owner');
  };
  act = (w: World) => {
    const session = w.liveTokens('owner', 'ses').find((h) => h.addr === 'owner')!;
    const change: RaceChange =
      this.kind === 'reset'
        ? { kind: 'reset', link: w.visible('owner', 'rst').filter((l) => !l.used && !l.uncertain).at(-1)!, next: w.choosePassword('owner') }
        : this.kind === 'change'
          ? { kind: 'change', h: session, next: w.choosePassword('owner') }
          : { kind: 'revoke-all', h: session };
    // The owner logs in with the password it knows now; the attacker guesses with one of its own.
    const logins = this.logins.map((l) => ({ who: l.who, addr: 'owner' as Addr, pw: l.who === 'owner' ? w.accounts.owner.current! : pick(w.passwords.attacker, l.pw) }));
    return race(w, change, logins.filter((l) => l.pw));
  };
  toString = () => `race(${this.kind} of the owner's account against ${this.logins.map((l) => `${l.who}'s login`).join(', ')})`;
}

const who = fc.constantFrom<Who>('owner', 'attacker');
const n = fc.nat({ max: 7 });

/** Every command, weighted so that deep flows (signup → verify → login → …) are reached in a few dozen steps. */
export function identityCommands(maxCommands: number, without: string[] = []) {
  const all: Array<[string, fc.Arbitrary<Base>]> = [
    ['signup', fc.tuple(who, n).map(([w, a]) => new Signup(w, a))],
    // The owner's own way in (signup, verify, login) weighs more: most rules need an owner account.
    ['signup', n.map((a) => new Signup('owner', a))],
    // …and so does the attacker's signup of the owner's address (squatting, pre-setting a password).
    ['signup', fc.constant(null).map(() => new Signup('attacker', 0))],
    ['verify', fc.tuple(n, n).map(([l, p]) => new Verify('owner', l, p))],
    ['login', fc.tuple(n, n).map(([a, p]) => new Login('owner', a, p, false))],
    ['verify', fc.tuple(who, n, n).map(([w, l, p]) => new Verify(w, l, p))],
    ['login', fc.tuple(who, n, n, fc.boolean()).map(([w, a, p, c]) => new Login(w, a, p, c))],
    ['unlock', fc.tuple(who, n).map(([w, a]) => new Unlock(w, a))],
    ['reset', fc.tuple(who, n).map(([w, a]) => new ResetRequest(w, a))],
    ['reset', fc.tuple(who, n).map(([w, l]) => new Reset(w, l))],
    ['change', fc.tuple(who, n, n).map(([w, t, p]) => new Change(w, t, p))],
    ['tokens', fc.tuple(who, n).map(([w, t]) => new CreateToken(w, t))],
    ['tokens', fc.tuple(who, n, n).map(([w, t, x]) => new Revoke(w, t, x))],
    ['tokens', fc.tuple(who, n).map(([w, t]) => new RevokeAll(w, t))],
    ['tokens', fc.tuple(who, n).map(([w, t]) => new Logout(w, t))],
    ['connect', fc.tuple(who, n).map(([w, t]) => new ConnectBegin(w, t))],
    ['connect', fc.tuple(who, n).map(([w, l]) => new ConnectFinish(w, l))],
    ['connect', n.map((l) => new ConnectFinish('owner', l))],
    ['race', fc.tuple(fc.constantFrom<RaceKind>('change', 'reset', 'revoke-all'), fc.array(fc.record({ who, pw: n }), { minLength: 1, maxLength: 3 })).map(([k, ls]) => new Race(k, ls))],
  ];
  // MODEL_WITHOUT=connect (or race, tokens, …) leaves families out, to look at one rule's counterexamples alone.
  const kept = all.filter(([family]) => !without.includes(family)).map(([, arb]) => arb);
  return fc.commands(kept, { maxCommands, size: 'max' });
}

/**
 * A run's world: the attacker already has a verified account of its own (address, password, a
 * session), as anyone can; the owner has nothing yet, or (`ownerSignedUp`) has just signed up and
 * not yet opened the link. The setup goes through the same judged steps.
 */
export async function newWorld(scheduler: fc.Scheduler | undefined, ownerSignedUp = false): Promise<World> {
  const w = new World(scheduler);
  const pw = w.choosePassword('attacker');
  w.know(pw);
  w.step('setup:');
  await op.signup(w, 'attacker', 'attacker', pw);
  const link = w.visible('attacker', 'vrf').at(-1);
  if (!link) throw new Error('setup: the attacker got no verification link');
  await op.verify(w, 'attacker', link, pw);
  await op.login(w, 'attacker', 'attacker', pw);
  if (ownerSignedUp) {
    const mine = w.choosePassword('owner');
    w.know(mine);
    await op.signup(w, 'owner', 'owner', mine);
  }
  w.step('commands:');
  return w;
}
