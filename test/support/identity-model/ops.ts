import type { TestResponse } from '../http';
import { served, type Who } from './system';
import { World, type Addr, type Held, type Mailed, type Password } from './world';

/**
 * The requests of the identity model, each judged against the rules of docs/identity.md
 * (R1–R5) and the contract of API.md as it is sent. Every judgement names its rule.
 */
const bearer = (h: Held) => ({ Authorization: `Bearer ${h.value}` });

export function summary(res: TestResponse): string {
  const code = (res.json as { error?: { code?: string } } | undefined)?.error?.code;
  return `${res.status}${code ? ` ${code}` : ''}`;
}

function contract(w: World, res: TestResponse, allowed: string[], what: string): void {
  const got = summary(res);
  w.expect(allowed.includes(got) || allowed.includes(String(res.status)), 'contract', `${what} answered ${got}, expected ${allowed.join(' or ')}`);
}

/** Throttle answers are allowed once the address or the browser's address has failed often enough. */
function mayThrottle(w: World, who: Who, addr: Addr): boolean {
  return w.accounts[addr].failures >= 5 || w.ipFailures[who] >= 20;
}

export const unlockServed = () => served('POST', '/v1/sessions/unlock');

/**
 * R3: the same request about an address nobody registered, from the same person (its own second
 * address, so throttle counters stay apart), answers with the same status and body.
 */
async function twin(w: World, who: Who, path: string, body: Record<string, unknown>, res: TestResponse, what: string): Promise<void> {
  const other = await w.browsers[who].sendFrom(w.twinIps[who], { method: 'POST', path, body: { ...body, email: w.twinAddress() } });
  if (res.status === 429 || other.status === 429) return; // throttle state is per address, not per registration
  w.expect(res.status === other.status && res.text === other.text, 'R3', `${what} answered ${summary(res)} for a registered address and ${summary(other)} for an unregistered one (bodies ${res.text === other.text ? 'equal' : 'differ'})`);
}

export async function signup(w: World, who: Who, addr: Addr, pw: Password): Promise<void> {
  const body = { email: w.addresses[addr], password: pw.value, name: who === 'owner' ? 'Ada Owner' : 'Mallory' };
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/signup', body });
  w.step(`${who} signs up ${addr}@ with ${pw.label} → ${summary(res)}`);
  contract(w, res, ['202'], 'signup');
  await twin(w, who, '/v1/signup', body, res, 'signup');
  const mailed = await w.readMail(addr, pw);
  if (mailed.length) w.step(`  ${addr}@'s mailbox gets ${mailed.map((m) => m.label).join(', ')}${mailed.some((m) => m.kind === 'vrf') ? ` (for ${pw.label})` : ''}`);
}

export async function verify(w: World, who: Who, link: Mailed, pw: Password): Promise<void> {
  const account = w.accounts[link.addr];
  const newest = w.mailed.filter((m) => m.kind === 'vrf' && m.addr === link.addr).at(-1) === link;
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/signup/verify', body: { token: link.value, password: pw.value } });
  const at = w.tick();
  w.step(`${who} verifies ${link.label} (mailed for ${link.bound?.label ?? 'no signup it saw'}) with ${pw.label} → ${summary(res)}`);
  contract(w, res, ['200', '400 invalid_token', '429 too_many_attempts'], 'verify');
  if (res.status === 200) {
    w.expect(link.bound === pw, 'R1', `the link mailed for ${link.bound?.label ?? '?'}'s signup verified ${link.addr}@ with ${pw.label}: the account now has a password its owner did not choose with that link`);
    w.expect(!account.verified && !link.used, 'R2', `${link.label} verified ${link.addr}@ again after it was verified or the link was used`);
    account.verified = true;
    account.current = pw;
    link.used = true;
    w.credentialChanged(link.addr, at, `${link.addr}@ verified`, undefined, 'uncertain');
    for (const m of w.mailed) if (m.kind === 'vrf' && m.addr === link.addr) m.used = true;
  } else if (res.status === 400) {
    w.expect(!(newest && !link.used && !account.verified && link.bound === pw), 'R1', `the newest link ${link.label} with the password chosen with it (${pw.label}) was refused`);
  }
}

export async function login(w: World, who: Who, addr: Addr, pw: Password, code?: Mailed): Promise<void> {
  const sentAt = w.tick();
  const body = { email: w.addresses[addr], password: pw.value, ...(code ? { code: code.value } : {}) };
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/sessions', body });
  w.tick();
  const account = w.accounts[addr];
  const right = account.verified && account.current === pw;
  w.step(`${who} logs in to ${addr}@ with ${pw.label}${code ? ` and ${code.label}` : ''} → ${summary(res)}`);
  contract(w, res, ['201', '401 invalid_credentials', '429 too_many_attempts'], 'login');
  // Only the newest code mailed for this address, unused, lets the attempt through the throttle.
  const freshCode = code !== undefined && !code.used && code.addr === addr && w.mailed.filter((m) => m.kind === 'code' && m.addr === addr).at(-1) === code;
  if (code) code.used = true;
  if (res.status === 201) {
    w.expect(pw.by === addr, 'R1', `${pw.label}, chosen by the ${pw.by}, authenticated the ${addr}'s address`);
    w.expect(right, 'R1', `${pw.label} authenticated ${addr}@, whose password is ${account.current?.label ?? 'none'} (${account.verified ? 'verified' : 'not verified'})`);
    const held: Held = { label: w.label(`${who}:ses#`), value: res.json.token, tokenId: res.json.tokenId, by: who, addr, kind: 'ses', sentAt, alive: true };
    w.held.push(held);
    w.step(`  ${who} holds ${held.label}`);
  } else if (res.status === 429) {
    w.expect(mayThrottle(w, who, addr) && !(freshCode && right), 'R1', `${who}'s login to ${addr}@ was throttled after only ${account.failures} failures of the address${freshCode ? ', with its password and a fresh unlock code' : ''}`);
  } else {
    w.expect(!right, 'R1', `${addr}@'s own password ${pw.label} was refused`);
    account.failures += 1;
    w.ipFailures[who] += 1;
  }
  if (addr !== who && !right) await twin(w, who, '/v1/sessions', { password: pw.value }, res, 'login with a wrong password');
  if (!account.verified) await w.readMail(addr, pw);
}

export async function unlock(w: World, who: Who, addr: Addr): Promise<void> {
  const body = { email: w.addresses[addr] };
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/sessions/unlock', body });
  w.step(`${who} asks for an unlock code for ${addr}@ → ${summary(res)}`);
  contract(w, res, ['202', '429'], 'unlock');
  await twin(w, who, '/v1/sessions/unlock', body, res, 'unlock');
  const mailed = await w.readMail(addr);
  if (mailed.length) w.step(`  ${addr}@'s mailbox gets ${mailed.map((m) => m.label).join(', ')}`);
}

export async function resetRequest(w: World, who: Who, addr: Addr): Promise<void> {
  const body = { email: w.addresses[addr] };
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/password/reset-request', body });
  w.step(`${who} asks for a reset link for ${addr}@ → ${summary(res)}`);
  contract(w, res, ['202'], 'reset request');
  await twin(w, who, '/v1/password/reset-request', body, res, 'reset request');
  const mailed = await w.readMail(addr);
  if (mailed.length) w.step(`  ${addr}@'s mailbox gets ${mailed.map((m) => m.label).join(', ')}`);
}

export async function reset(w: World, who: Who, link: Mailed, pw: Password): Promise<void> {
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/password/reset', body: { token: link.value, newPassword: pw.value } });
  const at = w.tick();
  w.step(`${who} resets ${link.addr}@ with ${link.label} to ${pw.label} → ${summary(res)}`);
  contract(w, res, ['204', '400 invalid_token'], 'reset');
  if (res.status === 204) {
    w.expect(!link.used || link.uncertain === true, 'R2', `${link.label}, issued before a credential change of ${link.addr}@ (or used), still reset the password`);
    w.know(pw);
    const account = w.accounts[link.addr];
    account.verified = true;
    account.current = pw;
    w.credentialChanged(link.addr, at, `${link.addr}@ reset with ${link.label}`);
  } else {
    w.expect(link.used || link.uncertain === true, 'R2', `${link.label} (unused, newer than every credential change) was refused`);
  }
  Object.assign(link, { used: true, uncertain: false });
}

/** Judges a bearer call by whether the token is alive per the model; `ok` is the success status. */
function judgeBearer(w: World, h: Held, res: TestResponse, ok: number, what: string): boolean {
  if (h.uncertain) {
    w.expect(res.status === ok || res.status === 401, 'contract', `${h.label} answered ${summary(res)} for ${what}`);
    Object.assign(h, { uncertain: false, alive: res.status === ok, why: 'the revoke-all its login overlapped' });
  }
  if (h.alive) w.expect(res.status === ok, 'R2', `${h.label} (alive) was refused by ${what}: ${summary(res)}`);
  else w.expect(res.status === 401, 'R2', `${h.label}, ended by ${h.why}, still worked for ${what}: ${summary(res)}`);
  return res.status === ok;
}

export async function changePassword(w: World, who: Who, h: Held, current: Password, next: Password): Promise<void> {
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/password', headers: bearer(h), body: { currentPassword: current.value, newPassword: next.value } });
  const at = w.tick();
  const account = w.accounts[h.addr];
  const right = account.current === current;
  w.step(`${who} changes ${h.addr}@'s password with ${h.label} from ${current.label} to ${next.label} → ${summary(res)}`);
  contract(w, res, ['204', '401 invalid_credentials', '401 unauthorized', '429 too_many_attempts'], 'password change');
  if (!h.alive) {
    w.expect(res.status === 401, 'R2', `${h.label}, ended by ${h.why}, still changed the password: ${summary(res)}`);
  } else if (res.status === 204) {
    w.expect(right, 'R1', `${current.label} passed as the current password of ${h.addr}@, whose password is ${account.current?.label}`);
    w.know(next);
    account.current = next;
    w.credentialChanged(h.addr, at, `${h.addr}@'s password change`, h.tokenId);
  } else if (res.status === 429) {
    w.expect(mayThrottle(w, who, h.addr), 'R1', `the password change was throttled after only ${account.failures} failures`);
  } else {
    w.expect(!right, 'R1', `the right current password ${current.label} was refused by the password change: ${summary(res)}`);
    account.failures += 1;
    w.ipFailures[who] += 1;
  }
}

export async function createToken(w: World, who: Who, h: Held): Promise<void> {
  const sentAt = w.tick();
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/tokens', headers: bearer(h), body: { name: 'model' } });
  w.step(`${who} creates an access token with ${h.label} → ${summary(res)}`);
  if (judgeBearer(w, h, res, 201, 'POST /v1/tokens')) {
    const pat: Held = { label: w.label(`${who}:pat#`), value: res.json.token, tokenId: res.json.id, by: who, addr: h.addr, kind: 'pat', sentAt, alive: true };
    w.held.push(pat);
    w.step(`  ${who} holds ${pat.label}`);
  }
}

export async function revoke(w: World, who: Who, h: Held, target: Held): Promise<void> {
  const res = await w.browsers[who].send({ method: 'DELETE', path: `/v1/tokens/${target.tokenId}`, headers: bearer(h) });
  w.step(`${who} revokes ${target.label} with ${h.label} → ${summary(res)}`);
  if (!h.alive) return void judgeBearer(w, h, res, 204, 'DELETE /v1/tokens/{id}');
  contract(w, res, target.addr === h.addr ? (target.alive ? ['204'] : ['204', '404']) : ['404'], 'revoke');
  if (res.status === 204) Object.assign(target, { alive: false, why: `revocation of ${target.label}` });
}

export async function revokeAll(w: World, who: Who, h: Held): Promise<void> {
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/tokens/revoke-all', headers: bearer(h) });
  const at = w.tick();
  w.step(`${who} revokes all of ${h.addr}@'s tokens with ${h.label} → ${summary(res)}`);
  if (judgeBearer(w, h, res, 204, 'revoke-all')) w.credentialChanged(h.addr, at, `revoke-all with ${h.label}`);
}

export async function logout(w: World, who: Who, h: Held): Promise<void> {
  const res = await w.browsers[who].send({ method: 'DELETE', path: '/v1/sessions/current', headers: bearer(h) });
  w.step(`${who} logs out ${h.label} → ${summary(res)}`);
  if (judgeBearer(w, h, res, 204, 'logout')) Object.assign(h, { alive: false, why: `logout of ${h.label}` });
}

/** R2 and R4 over every token anyone holds: alive ones work (as their own account), ended ones are 401. */
export async function checkTokens(w: World): Promise<void> {
  for (const h of w.held) {
    const res = await w.browsers[h.by].send({ method: 'GET', path: '/v1/me', headers: bearer(h) });
    if (res.status === 200) {
      w.expect(!(h.by === 'attacker' && res.json.email === w.addresses.owner), 'R4', `the attacker's ${h.label} is a session of the owner's account`);
      w.expect(res.json.email === w.addresses[h.addr], 'R4', `${h.label} is a token of another account`);
    }
    judgeBearer(w, h, res, 200, 'GET /v1/me');
  }
}
