import { parseAssetManifest } from '../../../lib/pages/assets';
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
