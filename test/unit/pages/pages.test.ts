import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectFailedError } from '../../../lib/connections/model';
import { identityMails } from '../../../lib/identity/mails';
import { renderResetPasswordPage, renderSignupPage, renderVerifyEmailPage } from '../../../lib/pages/account-journey-pages';
import { renderAccountPage } from '../../../lib/pages/account-page';
import { parseAssetManifest, SCRIPT_NAMES } from '../../../lib/pages/assets';
import { CONNECT_FAILURE_FALLBACK, CONNECT_FAILURE_MESSAGES, connectOutcomeOf, hasConnectQuery, type ConnectFailureReason } from '../../../lib/pages/connect-outcome';
import { escapeHtml, html } from '../../../lib/pages/html';
import { fieldOfErrorCode, reportBodyFromForm } from '../../../lib/pages/report-fields';

const ASSETS = parseAssetManifest(
  JSON.stringify({ 'site.css': '/assets/site-a1.css', 'favicon.svg': '/assets/favicon-b2.svg', ...Object.fromEntries(SCRIPT_NAMES.map((name, i) => [`${name}.js`, `/assets/${name}-c${i}.js`])) }),
);
const INLINE_CODE = /<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=/i;

/** Every input of a page with its label (`<label for>`), and what it is described by. */
function inputsOf(page: string): Array<{ id: string; labelled: boolean; describedBy: string | null }> {
  return [...page.matchAll(/<input id="([^"]+)"[^>]*>/g)].map(([tag, id]) => ({
    id,
    labelled: page.includes(`<label for="${id}">`),
    describedBy: /aria-describedby="([^"]+)"/.exec(tag)?.[1] ?? null,
  }));
}

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
    const good = { 'site.css': '/assets/site-a1.css', 'favicon.svg': '/assets/favicon-b2.svg', 'account.js': '/assets/account-c3.js', 'report.js': '/assets/report-d4.js', 'signup.js': '/assets/signup-e5.js', 'verify-email.js': '/assets/verify-email-f6.js', 'reset-password.js': '/assets/reset-password-g7.js' };
    expect(parseAssetManifest(JSON.stringify(good)).script('report')).toBe('/assets/report-d4.js');
    expect(parseAssetManifest(JSON.stringify(good)).script('verify-email')).toBe('/assets/verify-email-f6.js');
    expect(() => parseAssetManifest(JSON.stringify({ ...good, 'signup.js': undefined }))).toThrow(/signup\.js/);
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
    const page = renderAccountPage(ASSETS, { minPasswordLength: 8 });
    expect(page).toContain('<h2 id="connections-title">Connected social accounts</h2>');
    expect(page).toMatch(/<p id="connections-empty" hidden>No social account is connected\.<\/p>/);
    expect(page).toMatch(/<table id="connections-table" class="rows" aria-labelledby="connections-title" hidden>/);
    expect(page).toMatch(/<tbody id="connections"><\/tbody>/);
    // Focusable, so the page can move the focus to it after the account is deleted.
    expect(page).toContain('<div id="account-status" role="status" aria-live="polite" tabindex="-1"></div>');
    // "Your data": download and delete, each a button described by the text above it.
    expect(page).toMatch(/<section aria-labelledby="data-title">\n<h2 id="data-title">Your data<\/h2>/);
    expect(page).toContain('<button type="button" id="export-data" class="secondary" aria-describedby="export-hint">Download my data</button>');
    expect(page).toContain('<button type="button" id="delete-start" class="danger" aria-describedby="delete-hint">Delete my account</button>');
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=/i);
    expect(page).toContain('<script src="/assets/account-c0.js" defer></script>');
  });
});

describe('the account journey pages (issue 22)', () => {
  const pages = {
    '/account/security': renderAccountPage(ASSETS, { minPasswordLength: 10 }),
    '/account/signup': renderSignupPage(ASSETS, { minPasswordLength: 10 }),
    '/account/verify-email': renderVerifyEmailPage(ASSETS),
    '/account/reset-password': renderResetPasswordPage(ASSETS, { minPasswordLength: 10 }),
  };

  it.each(Object.entries(pages))('%s: every input has a label and an error slot, hints are tied to their field, no inline code, its own script only', (path, page) => {
    const inputs = inputsOf(page);
    expect(inputs.length).toBeGreaterThan(0);
    for (const input of inputs) {
      expect({ id: input.id, labelled: input.labelled }).toEqual({ id: input.id, labelled: true });
      expect(page).toContain(`<p class="error" id="${input.id}-error" hidden></p>`);
      if (page.includes(`id="${input.id}-hint"`)) expect(input.describedBy).toBe(`${input.id}-hint`);
    }
    expect(page).not.toMatch(INLINE_CODE);
    const scripts = [...page.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map((m) => m[1]);
    const name = path === '/account/security' ? 'account' : path.slice('/account/'.length);
    expect(scripts).toEqual([ASSETS.script(name as (typeof SCRIPT_NAMES)[number])]);
    // Every form of the journey has its alert, announced and able to take the focus
    for (const id of ['signin', 'create-token', 'password', 'signup', 'verify', 'reset-request', 'reset']) {
      if (page.includes(`<form id="${id}-form"`)) expect(page).toContain(`<div class="alert" role="alert" id="${id}-error" hidden tabindex="-1"></div>`);
    }
  });

  it('the rules of a new password are shown before submitting, with the stage\'s minimum length', () => {
    for (const page of [pages['/account/signup'], pages['/account/reset-password'], pages['/account/security']]) {
      expect(page).toContain('At least 10 characters');
      expect(page).toContain('not built from your email address or the word HelpShelf');
    }
    expect(pages['/account/verify-email']).not.toContain('At least 10 characters');
  });

  it('the security page offers "Forgot your password?", signing up and the unlock code, and lists sessions with where and when', () => {
    const page = pages['/account/security'];
    expect(page).toContain('<a href="/account/reset-password">Forgot your password?</a>');
    expect(page).toContain('<a href="/account/signup">Create an account</a>');
    expect(page).toContain('<button type="button" id="unlock-send" class="secondary">Email me a one-time code</button>');
    expect(page).toMatch(/<input id="signin-code" name="code" type="text" autocomplete="one-time-code"/);
    expect(page).toMatch(/<th scope="col">Browser<\/th><th scope="col">Address<\/th><th scope="col">Signed in<\/th><th scope="col">Last used<\/th>/);
    expect(page).toContain('<button type="button" id="revoke-all" class="danger">Sign out everywhere</button>');
  });

  it('every link in an identity mail points at an account page of the stage\'s own origin, the token in the fragment only', () => {
    const mails = identityMails('http://localhost:3137');
    const links = (text: string) => text.match(/https?:\/\/\S+/g) ?? [];
    const all = [mails.verification('a@example.test', 'hs_vrf_abc', 86_400_000), mails.signupAttempt('a@example.test'), mails.reset('a@example.test', 'hs_rst_abc', 3_600_000), mails.resetForUnknownAddress('a@example.test')].flatMap((m) => links(m.text));
    expect(all).toEqual([
      'http://localhost:3137/account/verify-email#token=hs_vrf_abc',
      'http://localhost:3137/account/security,',
      'http://localhost:3137/account/reset-password',
      'http://localhost:3137/account/reset-password#token=hs_rst_abc',
      'http://localhost:3137/account/signup.',
    ]);
    for (const link of all) expect(Object.keys(pages)).toContain(new URL(link.replace(/[.,]$/, '')).pathname);
    for (const link of all) expect(new URL(link.replace(/[.,]$/, '')).search).toBe('');
  });
});
