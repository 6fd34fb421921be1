import type { Advisory } from '../incidents/model';
import type { PageAssets } from './assets';
import { html } from './html';
import { page, time } from './layout';

/** What the page shows of an advisory: the published advisory itself. */
export type AdvisoryView = Advisory;

export function renderAdvisoriesPage(assets: PageAssets, advisories: AdvisoryView[]): string {
  const list = advisories.length
    ? advisories.map(
        (a) => html`<article class="promise" id="${a.id}" aria-labelledby="${a.id}-title">
<h2 id="${a.id}-title">${a.title}</h2>
<dl class="facts"><dt>Published</dt><dd>${time(a.publishedAt)}</dd><dt>Resolved</dt><dd>${time(a.resolvedAt)}</dd>
<dt>Credits</dt><dd>${a.credits.length ? a.credits.join(', ') : 'Reported privately; the reporter chose not to be named.'}</dd></dl>
<p>${a.summary}</p></article>`,
      )
    : html`<p>No advisory has been published yet.</p>`;
  const main = html`<h1>Security advisories</h1>
<p>Advisories are published once an issue is resolved, crediting reporters who agreed to be named.</p>
${list}`;
  return page({ title: 'Security advisories', path: '/security/advisories', assets, main });
}
