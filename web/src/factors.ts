/**
 * /account/security, the sign-in methods: passkeys (add named, list, remove), the authenticator
 * app (QR code drawn here from the otpauth URI with uqr, the secret as text, confirm with one
 * code, recovery codes shown once), security events, and the inline "confirm it is you" step that
 * a change needing a recent sign-in asks for before it retries. Text only into the DOM; the QR
 * code is SVG elements built one by one (no markup strings), so the strict CSP holds.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { encode } from 'uqr';
import { api, byId, el, timeEl, type ApiResult } from './dom';

interface PasskeyRow {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface SecurityEvent {
  at: string;
  event: string;
  detail: string | null;
}

const EVENT_TEXT: Record<string, string> = {
  totp_enabled: 'Authenticator app turned on',
  totp_disabled: 'Authenticator app turned off',
  recovery_code_used: 'Recovery code used to sign in',
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey removed',
  totp_disabled_by_support: 'Authenticator app turned off by HelpShelf support (see "Access to your data")',
  passkey_removed_by_support: 'Passkey removed by HelpShelf support (see "Access to your data")',
};

export interface FactorsHost {
  token: () => string | null;
  announce: (text: string, tone?: 'ok' | 'bad') => void;
  /** True (and the page back at sign-in) when the answer says the session is over. */
  sessionEnded: (result: ApiResult<unknown>) => boolean;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The otpauth URI as a QR code: one <rect> per dark module. */
function qrSvg(text: string): SVGSVGElement {
  const { data, size } = encode(text, { border: 2 });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('width', String(size * 5));
  svg.setAttribute('height', String(size * 5));
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  svg.append(background);
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      const cell = document.createElementNS(SVG, 'rect');
      cell.setAttribute('x', String(x));
      cell.setAttribute('y', String(y));
      cell.setAttribute('width', '1');
      cell.setAttribute('height', '1');
      svg.append(cell);
    }),
  );
  return svg;
}

export function factors(host: FactorsHost) {
  let pendingConfirm: ((ok: boolean) => void) | null = null;

  function showError(id: string, message: string | null): void {
    const node = byId(id);
    node.textContent = message ?? '';
    node.hidden = message === null;
  }

  /**
   * Shows the "confirm it is you" step (built when needed and removed after, so the page holds one
   * password field at a time); resolves true once the session is confirmed, false when cancelled.
   */
  function askConfirm(): Promise<boolean> {
    byId('confirm-box-slot').replaceChildren(
      el(
        'div',
        { id: 'confirm-box', class: 'notice', tabindex: '-1', 'aria-labelledby': 'confirm-title' },
        el('h3', { id: 'confirm-title' }, 'Confirm it is you'),
        el('p', {}, 'This change needs a recent sign-in. Enter your password, or a code from your authenticator app, to go on.'),
        el('p', { class: 'error', id: 'confirm-error', hidden: '' }),
        el(
          'form',
          { id: 'confirm-form', novalidate: '' },
          el('div', { class: 'field' }, el('label', { for: 'confirm-password' }, 'Password'), el('input', { id: 'confirm-password', name: 'password', type: 'password', autocomplete: 'current-password' })),
          el('div', { class: 'field' }, el('label', { for: 'confirm-otp' }, 'Or a code from your authenticator app'), el('input', { id: 'confirm-otp', name: 'otp', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '8' })),
          el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Confirm and continue'), el('button', { type: 'button', id: 'confirm-cancel', class: 'secondary' }, 'Cancel')),
        ),
      ),
    );
    byId<HTMLFormElement>('confirm-form').addEventListener('submit', (e) => void submitConfirm(e));
    byId('confirm-cancel').addEventListener('click', () => closeConfirm(false));
    byId<HTMLInputElement>('confirm-password').focus();
    return new Promise((resolve) => {
      pendingConfirm = resolve;
    });
  }

  async function submitConfirm(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const password = byId<HTMLInputElement>('confirm-password').value;
    const otp = byId<HTMLInputElement>('confirm-otp').value.trim();
    if (!password && !otp) return showError('confirm-error', 'Enter your password or a code.');
    const result = await api('POST', '/v1/sessions/confirm', { token: host.token(), body: password ? { password } : { otp } });
    if (!result.ok && result.error.code === 'unauthorized') {
      closeConfirm(false);
      host.sessionEnded(result);
      return;
    }
    if (!result.ok) return showError('confirm-error', result.error.code === 'invalid_credentials' ? 'That password or code is not right.' : result.error.message);
    closeConfirm(true);
  }

  function closeConfirm(ok: boolean): void {
    byId('confirm-box-slot').replaceChildren();
    const resolve = pendingConfirm;
    pendingConfirm = null;
    resolve?.(ok);
  }

  /** Runs `call`; when it answers 403 recent_sign_in_required, asks to confirm inline, then runs it again. */
  async function withRecentSignIn<T>(call: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    const first = await call();
    if (first.ok || first.error.code !== 'recent_sign_in_required') return first;
    host.announce('Confirm it is you to go on.');
    if (!(await askConfirm())) return first;
    return call();
  }

  async function loadPasskeys(): Promise<void> {
    const result = await api<{ passkeys: PasskeyRow[] }>('GET', '/v1/passkeys', { token: host.token() });
    if (host.sessionEnded(result) || !result.ok) return;
    const rows = result.body.passkeys.map((p) => {
      const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove the passkey ${p.name}` }, 'Remove');
      remove.addEventListener('click', () => void removePasskey(p));
      return el('tr', { 'data-passkey-id': p.id }, el('th', { scope: 'row' }, p.name), el('td', {}, timeEl(p.createdAt)), el('td', {}, timeEl(p.lastUsedAt, 'never')), el('td', {}, remove));
    });
    byId('passkeys').replaceChildren(...rows);
    byId('passkeys-table').hidden = rows.length === 0;
    byId('passkeys-empty').hidden = rows.length > 0;
  }

  async function addPasskey(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = byId<HTMLInputElement>('passkey-name').value.trim();
    const options = await withRecentSignIn(() => api<Parameters<typeof startRegistration>[0]['optionsJSON']>('POST', '/v1/passkeys/registration-options', { token: host.token() }));
    if (host.sessionEnded(options)) return;
    if (!options.ok) return host.announce(`Could not add a passkey: ${options.error.message}`, 'bad');
    let response;
    try {
      response = await startRegistration({ optionsJSON: options.body });
    } catch {
      return host.announce('No passkey was created (cancelled, or this device cannot make one).', 'bad');
    }
    const added = await api<{ name: string }>('POST', '/v1/passkeys', { token: host.token(), body: { name: name || undefined, response } });
    if (host.sessionEnded(added)) return;
    if (!added.ok) return host.announce(`Could not add the passkey: ${added.error.message}`, 'bad');
    byId<HTMLFormElement>('add-passkey-form').reset();
    host.announce(`Passkey "${added.body.name}" added. You can sign in with it now.`, 'ok');
    await Promise.all([loadPasskeys(), loadEvents()]);
  }

  async function removePasskey(p: PasskeyRow): Promise<void> {
    const result = await withRecentSignIn(() => api('DELETE', `/v1/passkeys/${encodeURIComponent(p.id)}`, { token: host.token() }));
    if (host.sessionEnded(result)) return;
    if (!result.ok && result.error.code !== 'not_found') return host.announce(result.error.message, 'bad');
    host.announce(`Passkey "${p.name}" removed.`);
    await Promise.all([loadPasskeys(), loadEvents()]);
  }

  async function loadTotp(): Promise<void> {
    const result = await api<{ status: string; recoveryCodesLeft: number }>('GET', '/v1/mfa/totp', { token: host.token() });
    if (host.sessionEnded(result) || !result.ok) return;
    const { status, recoveryCodesLeft } = result.body;
    const on = status === 'on';
    byId('totp-state').textContent = on ? `On: signing in with your password also needs a code. ${recoveryCodesLeft} recovery codes left.` : 'Off.';
    byId('totp-setup').hidden = on;
    byId('totp-off').hidden = !on;
  }

  async function setupTotp(): Promise<void> {
    const result = await withRecentSignIn(() => api<{ secret: string; otpauthUri: string }>('POST', '/v1/mfa/totp', { token: host.token() }));
    if (host.sessionEnded(result)) return;
    if (!result.ok) return host.announce(result.error.message, 'bad');
    const { secret, otpauthUri } = result.body;
    byId('totp-qr').replaceChildren(qrSvg(otpauthUri));
    byId('totp-secret').textContent = secret;
    const box = byId('totp-enrol');
    box.hidden = false;
    box.focus();
  }

  async function confirmTotp(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const code = byId<HTMLInputElement>('totp-code').value.replace(/\s+/g, '');
    const result = await api<{ recoveryCodes: string[] }>('POST', '/v1/mfa/totp/confirm', { token: host.token(), body: { code } });
    if (host.sessionEnded(result)) return;
    if (!result.ok) return showError('totp-code-error', result.error.message);
    showError('totp-code-error', null);
    byId<HTMLFormElement>('totp-confirm-form').reset();
    byId('totp-enrol').hidden = true;
    byId('totp-qr').replaceChildren();
    byId('totp-secret').textContent = '';
    byId('recovery-codes').replaceChildren(...result.body.recoveryCodes.map((c) => el('li', {}, el('code', {}, c))));
    const box = byId('recovery-codes-box');
    box.hidden = false;
    box.focus();
    host.announce('The authenticator app is on.', 'ok');
    await Promise.all([loadTotp(), loadEvents()]);
  }

  async function turnOffTotp(): Promise<void> {
    const result = await withRecentSignIn(() => api('DELETE', '/v1/mfa/totp', { token: host.token() }));
    if (host.sessionEnded(result)) return;
    if (!result.ok) return host.announce(result.error.message, 'bad');
    host.announce('The authenticator app is off.');
    await Promise.all([loadTotp(), loadEvents()]);
  }

  async function loadEvents(): Promise<void> {
    const result = await api<{ events: SecurityEvent[] }>('GET', '/v1/me/security-events', { token: host.token() });
    if (host.sessionEnded(result) || !result.ok) return;
    const items = result.body.events.map((e) => el('li', {}, timeEl(e.at), ' ', EVENT_TEXT[e.event] ?? e.event, ...(e.detail ? [`: "${e.detail}"`] : [])));
    byId('security-events').replaceChildren(...items);
    byId('events-empty').hidden = items.length > 0;
  }

  byId<HTMLFormElement>('add-passkey-form').addEventListener('submit', (e) => void addPasskey(e));
  byId('totp-setup').addEventListener('click', () => void setupTotp());
  byId('totp-off').addEventListener('click', () => void turnOffTotp());
  byId<HTMLFormElement>('totp-confirm-form').addEventListener('submit', (e) => void confirmTotp(e));
  byId('recovery-done').addEventListener('click', () => {
    byId('recovery-codes').replaceChildren();
    byId('recovery-codes-box').hidden = true;
  });

  return {
    withRecentSignIn,
    async load(): Promise<void> {
      await Promise.all([loadPasskeys(), loadTotp(), loadEvents()]);
    },
    clear(): void {
      for (const id of ['passkeys', 'security-events', 'recovery-codes', 'totp-qr']) byId(id).replaceChildren();
      byId('totp-secret').textContent = '';
      for (const id of ['totp-enrol', 'recovery-codes-box']) byId(id).hidden = true;
      closeConfirm(false);
    },
  };
}

/** "Sign in with a passkey": the authenticator offers the account; no email typed. */
export async function passkeySignIn(): Promise<ApiResult<{ token: string }>> {
  const options = await api<{ challengeId: string; options: Parameters<typeof startAuthentication>[0]['optionsJSON'] }>('POST', '/v1/sessions/passkey-options');
  if (!options.ok) return options;
  const { challengeId, options: optionsJSON } = options.body;
  let response;
  try {
    response = await startAuthentication({ optionsJSON });
  } catch {
    return { ok: false, status: 0, error: { code: 'cancelled', message: 'No passkey was used (cancelled, or none on this device).' } };
  }
  return api<{ token: string }>('POST', '/v1/sessions/passkey', { body: { challengeId, response } });
}
