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

/** A time as the server renders it: `YYYY-MM-DD HH:MM UTC` inside <time datetime>. */
export function timeEl(iso: string | null | undefined, none = '—'): Node {
  if (!iso) return document.createTextNode(none);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return document.createTextNode(iso);
  return el('time', { datetime: d.toISOString() }, d.toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC'));
}

export interface ApiResult<T> {
  status: number;
  body: T | { error?: { code?: string; message?: string } } | undefined;
}

/**
 * Same-origin JSON call. The bearer token goes in the Authorization header only, never a URL.
 * Cookies are left out unless a call asks for them (`cookies: true`: POST /v1/connections, whose
 * binding cookie must land in this browser).
 */
export async function api<T>(method: string, path: string, options: { token?: string | null; body?: unknown; cookies?: boolean } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: options.cookies ? 'same-origin' : 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let body: ApiResult<T>['body'];
  try {
    body = text ? (JSON.parse(text) as ApiResult<T>['body']) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

export function errorOf(result: ApiResult<unknown>): { code: string; message: string } {
  const error = (result.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return { code: error?.code ?? 'unexpected', message: error?.message ?? `Something went wrong (HTTP ${result.status}). Try again.` };
}
