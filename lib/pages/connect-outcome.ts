/**
 * What the account page says when the browser comes back from the connect flow. The callback
 * (GET /v1/connections/callback) sends the browser to the app URL with `?status=connected&
 * connection=<id>` or `?status=error&reason=<code>` (docs/connections.md lists the codes); the
 * page words each code for people. Anyone can craft such a link, so nothing from the query is
 * ever shown as it is: an unknown code gets the general sentence, and the connection id is only
 * looked up in the person's own list. No imports: it is bundled for the browser too.
 */
export const CONNECT_FAILURE_MESSAGES = {
  access_denied: 'The account was not connected: permission was not given at the provider. Nothing was stored.',
  invalid_state: 'The account was not connected: the connect link had expired or was already used (each link works once, for 10 minutes). Nothing was stored; start again from this page.',
  browser_mismatch: 'The account was not connected: the link was opened in a different browser from the one that asked for it (or without the cookie that browser was given), so it was stopped to protect your account. Start again from this page, in this browser.',
  provider_error: 'The account was not connected: the provider reported an error. Nothing was stored; try again.',
  issuer_mismatch: 'The account was not connected: the answer did not come from the provider we asked, so it was refused to protect your account. Nothing was stored.',
  exchange_failed: 'The account was not connected: the provider did not complete the hand-over. Nothing was stored; try again.',
  provider_unavailable: 'The account was not connected: the provider is not answering properly right now. Nothing was stored; try again later.',
} as const;

export type ConnectFailureReason = keyof typeof CONNECT_FAILURE_MESSAGES;

export const CONNECT_FAILURE_FALLBACK = 'The account was not connected. Nothing was stored; try again.';

export type ConnectOutcome = { status: 'connected'; connectionId: string | null } | { status: 'error'; message: string };

/** The outcome the query carries, or null when it carries none (an ordinary visit). */
export function connectOutcomeOf(search: string): ConnectOutcome | null {
  const query = new URLSearchParams(search);
  const status = query.get('status');
  if (status === 'connected') {
    const id = query.get('connection');
    return { status: 'connected', connectionId: id && /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : null };
  }
  if (status === 'error') {
    const reason = query.get('reason') ?? '';
    const known = Object.prototype.hasOwnProperty.call(CONNECT_FAILURE_MESSAGES, reason);
    return { status: 'error', message: known ? CONNECT_FAILURE_MESSAGES[reason as ConnectFailureReason] : CONNECT_FAILURE_FALLBACK };
  }
  return null;
}

/** True when the query holds any of the connect flow's parameters (to be dropped from the address). */
export function hasConnectQuery(search: string): boolean {
  const query = new URLSearchParams(search);
  return ['status', 'connection', 'reason'].some((name) => query.has(name));
}
