/**
 * The "Access to your data" section of /account/security: GET /v1/me/access-log, newest first.
 * Every value is set as text (el/textContent), never as HTML.
 */
import { api, byId, el, timeEl, type ApiResult } from './dom';

export interface AccessLogRow {
  at: string;
  kind: string;
  action: string;
  reference: string | null;
  role: string;
  emergency: boolean;
}

export function renderAccessLog(entries: AccessLogRow[]): void {
  byId('access-log-empty').hidden = entries.length > 0;
  byId('access-log-table').hidden = entries.length === 0;
  byId('access-log').replaceChildren(
    ...entries.map((e) =>
      el(
        'tr',
        { 'data-kind': e.kind },
        el('td', {}, timeEl(e.at)),
        el('th', { scope: 'row' }, e.action, ...(e.emergency ? [' ', el('span', { class: 'tag' }, 'emergency')] : [])),
        el('td', {}, e.reference ?? '—'),
        el('td', {}, e.role),
      ),
    ),
  );
}

/** The section's rows; the result, so the caller can tell a session that ended. */
export async function loadAccessLog(token: string | null): Promise<ApiResult<{ entries: AccessLogRow[] }>> {
  const result = await api<{ entries: AccessLogRow[] }>('GET', '/v1/me/access-log', { token });
  if (result.ok) renderAccessLog(result.body.entries);
  return result;
}
