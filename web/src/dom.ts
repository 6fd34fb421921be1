/** Small DOM helpers: text only (never innerHTML), so nothing the API returns can become markup. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

/** Moves the focus to a heading (or any region) that is not focusable by itself, so it is read and seen. */
export function focusHeading(id: string): void {
  const node = byId(id);
  node.setAttribute('tabindex', '-1');
  node.focus();
}

/** A time as the server renders it: `YYYY-MM-DD HH:MM UTC` inside <time datetime>. */
export function timeEl(iso: string | null | undefined, none = '—'): Node {
  if (!iso) return document.createTextNode(none);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return document.createTextNode(iso);
  return el('time', { datetime: d.toISOString() }, d.toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC'));
}

/** The API's error shape (API.md): `code` is what the pages branch on, `message` is for people. */
export interface ApiError {
  code: string;
  message: string;
}

/** A same-origin call's outcome: the 2xx body, or the error (with a sentence even when the body had none). */
export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : 'unexpected',
    message: typeof error?.message === 'string' ? error.message : `Something went wrong (HTTP ${status}). Try again.`,
  };
}

/**
 * Same-origin JSON call. The bearer token goes in the Authorization header only, never a URL.
 * Throws only when the API cannot be reached at all (network), which callers may handle.
 */
export async function api<T = undefined>(method: string, path: string, options: { token?: string | null; body?: unknown; cookies?: boolean } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    // No cookie travels unless a call needs one (the connect flow's browser binding).
    credentials: options.cookies ? 'same-origin' : 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  return { ok: false, status: response.status, error: errorFrom(response.status, body) };
}

/**
 * Ties a message to a field (`<id>-error`, next to `<id>-hint`), or clears it when `message` is
 * null: the field is marked invalid and describes itself with the error, then the hint.
 */
export function fieldError(inputId: string, message: string | null): void {
  const input = byId(inputId);
  const error = byId(`${inputId}-error`);
  const hint = document.getElementById(`${inputId}-hint`) ? `${inputId}-hint` : '';
  if (message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${inputId}-error ${hint}`.trim());
  } else {
    error.hidden = true;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (hint) input.setAttribute('aria-describedby', hint);
    else input.removeAttribute('aria-describedby');
  }
}

/**
 * A form's problem, announced: the form's alert (`role="alert"`) says it, with a link to the field
 * it concerns, and takes the focus; the field shows it too. `field` null: the form as a whole.
 */
export function formProblem(alertId: string, message: string, field: string | null = null): void {
  const alert = byId(alertId);
  alert.replaceChildren(field ? el('a', { href: `#${field}` }, message) : el('span', {}, message));
  alert.hidden = false;
  if (field) fieldError(field, message);
  alert.setAttribute('tabindex', '-1');
  alert.focus();
}

/** Clears a form's alert and the errors of the given fields. */
export function clearProblems(alertId: string, fields: string[]): void {
  const alert = byId(alertId);
  alert.hidden = true;
  alert.replaceChildren();
  for (const field of fields) fieldError(field, null);
}

/**
 * Reads `#token=…` from the address, then removes it from the address bar and history, so the
 * token is never sent to the server as part of a URL, in a Referer, or kept in a bookmark.
 */
export function takeFragmentToken(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  // A link opened in a tab that already shows this page changes only the fragment (no load):
  // load the page again so it starts from that link's token.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('token')) location.reload();
  });
  return token && /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null;
}
