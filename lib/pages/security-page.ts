import type { PageAssets } from './assets';
import { html, type Html } from './html';
import { page, time } from './layout';

/** What the Security page can prove live: read from the backups' evidence summary and the advisories. */
export interface SecurityPageEvidence {
  lastBackup: { at: string; exportTime: string; type: string } | null;
  lastRestoreDrill: { at: string; tables: number } | null;
  advisories: Array<{ id: string; title: string; publishedAt: string }>;
}

function missing(text: string): Html {
  return html`<p class="evidence missing">${text}</p>`;
}

export function renderSecurityPage(assets: PageAssets, evidence: SecurityPageEvidence): string {
  const backup = evidence.lastBackup
    ? html`<p class="evidence">Last completed backup: ${time(evidence.lastBackup.at)} (${evidence.lastBackup.type === 'INCREMENTAL_EXPORT' ? 'incremental' : 'full'} export of the data as of ${time(evidence.lastBackup.exportTime)}).</p>`
    : missing('No completed backup is recorded yet.');
  const drill = evidence.lastRestoreDrill
    ? html`<p class="evidence">Last successful restore drill: ${time(evidence.lastRestoreDrill.at)} (${evidence.lastRestoreDrill.tables} tables restored and found equal to their backups).</p>`
    : missing('No successful restore drill is recorded yet.');
  const advisories = evidence.advisories.length
    ? html`<p class="evidence">Published advisories: ${evidence.advisories.length}. Latest: <a href="/security/advisories#${evidence.advisories[0].id}">${evidence.advisories[0].title}</a>, ${time(evidence.advisories[0].publishedAt)}.</p>`
    : html`<p class="evidence">No advisory has been published yet. <a href="/security/advisories">Advisories</a></p>`;

  const main = html`<h1>Security at HelpShelf</h1>
<p>What we promise, and next to each promise what the system itself can show you right now.</p>
<section class="promise" aria-labelledby="p-https"><h3 id="p-https">HTTPS only, encrypted in transit and at rest</h3>
<p>Every page and API call is served over HTTPS (TLS 1.2 or newer) with HSTS; every table, backup and secret is encrypted with our own KMS key.</p></section>
<section class="promise" aria-labelledby="p-passwords"><h3 id="p-passwords">Passwords never stored in plain text</h3>
<p>Passwords are hashed with argon2id and checked against lists of common and breached passwords.</p></section>
<section class="promise" aria-labelledby="p-tokens"><h3 id="p-tokens">A unique token per use, revocable at any moment</h3>
<p>Every sign-in and every access token is its own token; you can see and revoke them on <a href="/account/security">your account security page</a>, and a revoked token stops working on the very next request.</p></section>
<section class="promise" aria-labelledby="p-cards"><h3 id="p-cards">No card data stored</h3>
<p>Stripe keeps payment details; we keep only the subscription status it tells us in signed webhooks.</p></section>
<section class="promise" aria-labelledby="p-backups"><h3 id="p-backups">Backed up daily, restores tested</h3>
<p>Daily full backups and 4-hourly incremental backups of the critical data; a restore drill regularly restores the latest backups and compares them item by item.</p>
${backup}
${drill}</section>
<section class="promise" aria-labelledby="p-access"><h3 id="p-access">Production access for engineering only</h3>
<p>Only engineers can reach production operations; reading a customer's record needs a stated reason and is written to a tamper-evident audit log.</p></section>
<section class="promise" aria-labelledby="p-incidents"><h3 id="p-incidents">Reports acknowledged within one business day, reporters credited</h3>
<p>Every report gets a point of contact and is acknowledged within one business day; nothing is disclosed until it is fixed, and then we publish an advisory crediting the reporter who agrees to be named.</p>
${advisories}
<p><a href="/security/report">Report a vulnerability</a> · <a href="/security/report/status">Check a report's status</a> · <a href="/.well-known/security.txt">security.txt</a></p></section>`;
  return page({ title: 'Security', path: '/security', assets, main });
}
