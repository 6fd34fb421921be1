import { approveAtProvider } from '../../../scripts/lib/social-provider';
import type { Who } from './system';
import { summary } from './ops';
import type { Held, Link, World } from './world';

/**
 * The connect flow of the identity model: a person's browser asks for a connect link (POST
 * /v1/connections with its session), and a browser (the same one, or the owner's when the attacker
 * mails the link to the owner) walks start → the stand-in provider → callback. R5: a connection is
 * stored only under the user whose browser began the flow.
 */
function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export async function connectBegin(w: World, who: Who, h: Held): Promise<void> {
  const at = w.tick();
  const res = await w.browsers[who].send({ method: 'POST', path: '/v1/connections', headers: { Authorization: `Bearer ${h.value}` }, body: { provider: 'demo' } });
  w.step(`${who}'s browser asks for a connect link with ${h.label} → ${summary(res)}`);
  if (!h.alive) return w.expect(res.status === 401, 'R2', `${h.label}, ended by ${h.why}, still began a connection: ${summary(res)}`);
  w.expect(res.status === 201, 'contract', `POST /v1/connections with a live session answered ${summary(res)}`);
  const link: Link = { label: w.label(`${who}:link#`), url: res.json.connectUrl, by: who, addr: h.addr, at, tried: false, jarAtBegin: w.browsers[who].cookies() };
  w.links.push(link);
  w.step(`  ${who} holds ${link.label} (for ${h.addr}@'s account)`);
}

/** Who may open a link: the person who asked for it, and the owner when the attacker sends it to them. */
export function mayOpen(link: Link, who: Who): boolean {
  return who === link.by || (link.by === 'attacker' && who === 'owner');
}

export async function connectFinish(w: World, link: Link, who: Who): Promise<void> {
  const browser = w.browsers[who];
  // The asking browser's own flow must work while no other flow of that browser replaced or cleared its cookie.
  const expected = who === link.by && !link.tried && !link.elsewhere && browser.cookies() === link.jarAtBegin && w.accounts[link.addr].changedAt < link.at;
  const provider = process.env.HELPSHELF_TEST_SOCIAL_PROVIDER!;
  const start = await browser.send({ method: 'GET', path: pathOf(link.url) });
  w.expect(start.status === 302, 'contract', `the connect link answered ${summary(start)}`);
  let location = new URL(start.headers.location);
  if (location.origin === new URL(provider).origin) {
    const callback = await approveAtProvider(location.toString());
    const done = await browser.send({ method: 'GET', path: `${callback.pathname}${callback.search}` });
    w.expect(done.status === 302, 'contract', `the callback answered ${summary(done)}`);
    location = new URL(done.headers.location);
  }
  const outcome = location.searchParams.get('status');
  const connection = location.searchParams.get('connection');
  w.step(`${who}'s browser opens ${link.label} and approves at the provider → ${outcome}${outcome === 'error' ? ` (${location.searchParams.get('reason')})` : ''}`);
  if (outcome === 'connected') {
    w.expect(who === link.by, 'R5', `the ${who}'s browser completed ${link.label}, which the ${link.by}'s browser began: the ${who}'s social account is now stored under ${link.addr}@'s account`);
    w.expect(!link.tried, 'contract', `${link.label} connected a second time`);
    const reader = w.held.find((h) => h.addr === link.addr && h.by === link.by && h.alive);
    if (reader) {
      const list = await w.browsers[link.by].send({ method: 'GET', path: '/v1/connections', headers: { Authorization: `Bearer ${reader.value}` } });
      w.expect(list.status === 200 && list.json.connections.some((c: { id: string }) => c.id === connection), 'R5', `${link.label}'s connection is not listed for ${link.addr}@`);
    }
  } else {
    w.expect(!expected, 'R5', `${link.label}, opened once in the browser that began it, ended in ${location.searchParams.get('reason')}`);
  }
  if (who === link.by) link.tried = true;
  else link.elsewhere = true;
}
