import type { TestResponse } from '../http';
import type { Who } from './system';
import { summary } from './ops';
import type { Addr, Held, Mailed, Password, World } from './world';

/**
 * Concurrent requests: a credential change of the owner's account (password change, reset or
 * revoke-all) racing logins. fast-check's scheduler picks the order in which the requests are sent
 * and in which their answers arrive; the handlers themselves run concurrently on the emulator.
 * Judged by R1 (a login sent after the change answered needs the new password), R2 (a token from a
 * login sent before the change answered stops working, checked after the race) and R4.
 */
export type RaceChange = { kind: 'change'; h: Held; next: Password } | { kind: 'reset'; link: Mailed; next: Password } | { kind: 'revoke-all'; h: Held };
export interface RaceLogin {
  who: Who;
  addr: Addr;
  pw: Password;
}

interface Timed {
  sentAt: number;
  answeredAt: number;
  res: TestResponse;
}

function describe(change: RaceChange): string {
  if (change.kind === 'change') return `a password change with ${change.h.label} to ${change.next.label}`;
  if (change.kind === 'reset') return `a reset with ${change.link.label} to ${change.next.label}`;
  return `revoke-all with ${change.h.label}`;
}

export async function race(w: World, change: RaceChange, logins: RaceLogin[]): Promise<void> {
  const s = w.scheduler!;
  const owner = w.accounts.owner;
  const before = owner.current!;
  const timed = (label: string, who: Who, request: Parameters<World['browsers']['owner']['send']>[0]): Promise<Timed> =>
    s.schedule(Promise.resolve(), `send ${label}`).then(async () => {
      const sentAt = w.tick();
      const res = await w.browsers[who].send(request);
      return s.schedule(Promise.resolve(), `answer ${label}`).then(() => ({ sentAt, answeredAt: w.tick(), res }));
    });
  const changeRequest =
    change.kind === 'change'
      ? { method: 'POST', path: '/v1/password', headers: { Authorization: `Bearer ${change.h.value}` }, body: { currentPassword: before.value, newPassword: change.next.value } }
      : change.kind === 'reset'
        ? { method: 'POST', path: '/v1/password/reset', body: { token: change.link.value, newPassword: change.next.value } }
        : { method: 'POST', path: '/v1/tokens/revoke-all', headers: { Authorization: `Bearer ${change.h.value}` } };
  const pending = [
    timed(change.kind, 'owner', changeRequest),
    ...logins.map((l, i) => timed(`login ${i + 1}`, l.who, { method: 'POST', path: '/v1/sessions', body: { email: w.addresses[l.addr], password: l.pw.value } })),
  ];
  const [c, ...ls] = await s.waitFor(Promise.all(pending));
  const ok = c.res.status === (change.kind === 'revoke-all' ? 204 : 204);
  w.step(`race: ${describe(change)} (sent at t${c.sentAt}, answered t${c.answeredAt}: ${summary(c.res)}) with ${logins.map((l, i) => `${l.who}'s login to ${l.addr}@ with ${l.pw.label} (t${ls[i].sentAt}–t${ls[i].answeredAt}: ${summary(ls[i].res)})`).join(', ')}`);
  const allowed = change.kind === 'reset' ? ['204', '400 invalid_token'] : change.kind === 'change' ? ['204', '409 conflict', '429 too_many_attempts'] : ['204'];
  w.expect(allowed.includes(summary(c.res)) || allowed.includes(String(c.res.status)), 'contract', `${describe(change)} answered ${summary(c.res)} in a race`);
  if (change.kind === 'reset') change.link.used = true;
  const overlapping: Held[] = [];
  for (const [i, l] of logins.entries()) {
    const { res, sentAt } = ls[i];
    const account = w.accounts[l.addr];
    w.expect(['201', '401 invalid_credentials', '429 too_many_attempts', '503'].includes(summary(res)) || res.status === 503, 'contract', `a racing login answered ${summary(res)}`);
    if (res.status !== 201) {
      if (res.status === 401 && account.current !== l.pw) account.failures += 1;
      continue;
    }
    w.expect(l.pw.by === l.addr, 'R1', `${l.pw.label}, chosen by the ${l.pw.by}, authenticated ${l.addr}@ in a race`);
    const afterChange = l.addr === 'owner' && ok && change.kind !== 'revoke-all' && sentAt > c.answeredAt;
    w.expect(!afterChange, 'R1', `a login sent after ${describe(change)} answered still authenticated with the old password ${l.pw.label}`);
    w.expect(account.verified && account.current === l.pw, 'R1', `${l.pw.label} authenticated ${l.addr}@, whose password is ${account.current?.label}`);
    w.held.push({ label: w.label(`${l.who}:ses#`), value: res.json.token, tokenId: res.json.tokenId, by: l.who, addr: l.addr, kind: 'ses', sentAt, alive: true });
    // A login with the still-right password may be written after a revoke-all committed: only one
    // answered before the revoke-all was sent must end.
    if (change.kind === 'revoke-all' && l.addr === 'owner' && ls[i].answeredAt > c.sentAt) overlapping.push(w.held.at(-1)!);
  }
  if (ok) {
    if (change.kind !== 'revoke-all') {
      w.know(change.next);
      owner.current = change.next;
      owner.verified = true;
    }
    w.credentialChanged('owner', c.answeredAt, describe(change), change.kind === 'change' ? change.h.tokenId : undefined);
    for (const h of overlapping) Object.assign(h, { alive: true, uncertain: true });
  }
}
