import type { PageAssets } from './assets';
import { html } from './html';
import { page, time } from './layout';

export interface StatusView {
  id: string;
  status: string;
  acknowledgedAt: string | null;
  contact: string | null;
  updates: Array<{ at: string; message: string }>;
}

export type StatusField = 'id' | 'trackingToken';
export interface StatusProblem {
  field?: StatusField;
  message: string;
}

export function renderStatusForm(assets: PageAssets, values: { id?: string } = {}, problem?: StatusProblem): string {
  // With no field named, the problem is about the pair (an unknown id or a wrong token: one answer).
  const invalid = (f: StatusField) => (problem && (!problem.field || problem.field === f) ? html` aria-invalid="true" aria-describedby="status-error"` : '');
  const main = html`<h1>Check a report's status</h1>
<p>Enter the report id and tracking token you received when you sent the report.</p>
${problem ? html`<div class="alert" role="alert" tabindex="-1"><p class="error" id="status-error">${problem.message}</p></div>` : ''}
<form method="post" action="/security/report/status" id="status-form" novalidate>
<div class="field"><label for="id">Report id</label>
<input id="id" name="id" type="text" required autocomplete="off" spellcheck="false" value="${values.id ?? ''}"${invalid('id')}></div>
<div class="field"><label for="trackingToken">Tracking token</label>
<input id="trackingToken" name="trackingToken" type="password" required autocomplete="off" spellcheck="false"${invalid('trackingToken')}></div>
<button type="submit">Check status</button>
</form>`;
  return page({ title: problem ? 'Status not found' : 'Report status', path: '/security/report/status', assets, main });
}

const STATUS_TEXT: Record<string, string> = {
  received: 'Received: waiting for acknowledgement',
  acknowledged: 'Acknowledged: a point of contact has it',
  investigating: 'Investigating',
  resolved: 'Resolved',
  published: 'Resolved and published',
  closed: 'Closed',
};

export function renderStatus(assets: PageAssets, view: StatusView): string {
  const updates = view.updates.length
    ? html`<ol class="updates">${view.updates.map((u) => html`<li>${time(u.at)}: ${u.message}</li>`)}</ol>`
    : html`<p>No update yet.</p>`;
  const main = html`<h1>Report ${view.id}</h1>
<dl class="facts" id="report-status"><dt>Status</dt><dd><span class="tag" data-status="${view.status}">${STATUS_TEXT[view.status] ?? view.status}</span></dd>
<dt>Acknowledged</dt><dd>${view.acknowledgedAt ? time(view.acknowledgedAt) : 'not yet'}</dd>
<dt>Point of contact</dt><dd>${view.contact ?? 'not assigned yet'}</dd></dl>
<h2>Updates</h2>
${updates}
<p><a href="/security/report/status">Check another report</a></p>`;
  return page({ title: `Report ${view.id}`, path: '/security/report/status', assets, main });
}
