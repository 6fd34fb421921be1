import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectFailedError } from '../../../lib/connections/model';
import { renderAccountPage } from '../../../lib/pages/account-page';
import { parseAssetManifest } from '../../../lib/pages/assets';
import { CONNECT_FAILURE_FALLBACK, CONNECT_FAILURE_MESSAGES, connectOutcomeOf, hasConnectQuery, type ConnectFailureReason } from '../../../lib/pages/connect-outcome';
import { escapeHtml, html } from '../../../lib/pages/html';
import { fieldOfErrorCode, reportBodyFromForm } from '../../../lib/pages/report-fields';

describe('page rendering helpers', () => {
  it('when a value is interpolated, markup in it comes out as text; nested html stays markup', () => {
    const name = `<img src=x onerror="alert('x')">&`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe('<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>');
    expect(html`<ul>${['a<', 'b'].map((v) => html`<li>${v}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(escapeHtml('"\'<>&')).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('ties every intake error code to its field, and form-wide problems to none', () => {
    const cases: Array<[string, string | undefined]> = [
      ['missing_email', 'email'], ['invalid_email', 'email'],
      ['missing_summary', 'summary'], ['empty_summary', 'summary'], ['summary_too_long', 'summary'], ['invalid_summary', 'summary'],
      ['missing_details', 'details'], ['details_too_long', 'details'],
      ['missing_scope', 'scope'], ['invalid_scope', 'scope'],
      ['invalid_credit_as', 'creditAs'], ['credit_as_too_long', 'creditAs'], ['empty_credit_as', 'creditAs'],
      ['credit_consent_required', 'creditConsent'], ['invalid_credit_consent', 'creditConsent'],
      ['too_many_reports', undefined], ['invalid_body', undefined], ['payload_too_large', undefined],
    ];
    for (const [code, field] of cases) expect({ code, field: fieldOfErrorCode(code) }).toEqual({ code, field });
  });

  it('turns the form into the JSON body: the ticked box is true, unknown fields are dropped, the honeypot kept', () => {
    expect(reportBodyFromForm({ email: 'a@b.co', creditConsent: 'yes', website: 'x', admin: 'true' }, 'website')).toEqual({ email: 'a@b.co', creditConsent: true, website: 'x' });
    expect(reportBodyFromForm({ email: 'a@b.co', creditConsent: 'on' }, 'website')).toEqual({ email: 'a@b.co', creditConsent: false });
    expect(reportBodyFromForm({}, 'website')).toEqual({});
  });

  it('refuses an asset manifest that is not JSON, lacks an asset, or names a path outside /assets/', () => {
    const good = { 'site.css': '/assets/site-a1.css', 'favicon.svg': '/assets/favicon-b2.svg', 'account.js': '/assets/account-c3.js', 'report.js': '/assets/report-d4.js' };
    expect(parseAssetManifest(JSON.stringify(good)).script('report')).toBe('/assets/report-d4.js');
    expect(() => parseAssetManifest('nope')).toThrow(/not the JSON manifest/);
    expect(() => parseAssetManifest(JSON.stringify({ ...good, 'report.js': undefined }))).toThrow(/report\.js/);
    expect(() => parseAssetManifest(JSON.stringify({ ...good, 'site.css': 'https://cdn.example/site.css' }))).toThrow(/site\.css/);
    expect(() => parseAssetManifest(JSON.stringify({ ...good, 'site.css': '/assets/"><script>.css' }))).toThrow(/site\.css/);
  });
});

describe('the way back from the connect flow, on the account page', () => {
  // Compile-time: every reason the callback can send has a sentence, and no sentence is for a reason it cannot send.
  const everyReasonWorded: Record<ConnectFailedError['reason'], string> = CONNECT_FAILURE_MESSAGES;
  const noOtherReason: Record<ConnectFailureReason, ConnectFailedError['reason']> = Object.fromEntries(Object.keys(CONNECT_FAILURE_MESSAGES).map((k) => [k, k])) as Record<ConnectFailureReason, ConnectFailedError['reason']>;

  it('words every reason code docs/connections.md lists, each in its own sentence for people', () => {
    const docs = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'connections.md'), 'utf8');
    const line = /^Reasons: (.*?)\.$/ms.exec(docs)![1];
    const documented = [...line.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).sort();
    expect(Object.keys(everyReasonWorded).sort()).toEqual(documented);
    expect(Object.keys(noOtherReason).sort()).toEqual(documented);
    for (const reason of documented) {
      const outcome = connectOutcomeOf(`?status=error&reason=${reason}`);
      expect(outcome).toEqual({ status: 'error', message: CONNECT_FAILURE_MESSAGES[reason as ConnectFailureReason] });
      expect(outcome).not.toEqual({ status: 'error', message: CONNECT_FAILURE_FALLBACK });
      expect(CONNECT_FAILURE_MESSAGES[reason as ConnectFailureReason]).not.toContain(reason);
    }
    expect(new Set(Object.values(CONNECT_FAILURE_MESSAGES)).size).toBe(documented.length);
  });

  it('never shows what a crafted link carries: an unknown or inherited reason gets the general sentence, an odd connection id is ignored', () => {
    for (const reason of ['', 'Call +1 555 0100', '<img src=x onerror=alert(1)>', 'toString', '__proto__', 'constructor', 'ACCESS_DENIED']) {
      expect(connectOutcomeOf(`?status=error&reason=${encodeURIComponent(reason)}`)).toEqual({ status: 'error', message: CONNECT_FAILURE_FALLBACK });
    }
    expect(connectOutcomeOf('?status=error')).toEqual({ status: 'error', message: CONNECT_FAILURE_FALLBACK });
    expect(connectOutcomeOf('?status=connected&connection=con_AbC-1_2')).toEqual({ status: 'connected', connectionId: 'con_AbC-1_2' });
    expect(connectOutcomeOf(`?status=connected&connection=${encodeURIComponent('<b>x</b>')}`)).toEqual({ status: 'connected', connectionId: null });
    expect(connectOutcomeOf(`?status=connected&connection=${'a'.repeat(101)}`)).toEqual({ status: 'connected', connectionId: null });
    expect(connectOutcomeOf('?status=connected')).toEqual({ status: 'connected', connectionId: null });
  });

  it('an ordinary visit carries no outcome; any of the flow\'s parameters is dropped from the address', () => {
    expect(connectOutcomeOf('')).toBeNull();
    expect(connectOutcomeOf('?status=weird')).toBeNull();
    expect(hasConnectQuery('')).toBe(false);
    expect(hasConnectQuery('?utm=x')).toBe(false);
    for (const search of ['?status=weird', '?reason=access_denied', '?connection=con_1', '?status=connected&connection=con_1']) expect(hasConnectQuery(search)).toBe(true);
  });

  it('the page shell has the connections section (hidden until the script fills it), no inline code and no personal data', () => {
    const assets = parseAssetManifest(JSON.stringify({ 'site.css': '/assets/site-a1.css', 'favicon.svg': '/assets/favicon-b2.svg', 'account.js': '/assets/account-c3.js', 'report.js': '/assets/report-d4.js' }));
    const page = renderAccountPage(assets);
    expect(page).toContain('<h2 id="connections-title">Connected social accounts</h2>');
    expect(page).toMatch(/<p id="connections-empty" hidden>No social account is connected\.<\/p>/);
    expect(page).toMatch(/<table id="connections-table" aria-labelledby="connections-title" hidden>/);
    expect(page).toMatch(/<tbody id="connections"><\/tbody>/);
    expect(page).toContain('<div id="account-status" role="status" aria-live="polite"></div>');
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=/i);
    expect(page).toContain('<script src="/assets/account-c3.js" defer></script>');
  });
});
