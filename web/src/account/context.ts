/**
 * What every section of /account/security shares: the session (its token in this tab's
 * sessionStorage only: gone when the tab closes; never localStorage, a cookie or a URL), the
 * status region, and calls to the API that end the session on any 401 (revoked elsewhere,
 * expired): the page goes back to the sign-in form.
 */
import { api, byId, type ApiResult } from '../dom';

const SESSION_KEY = 'helpshelf.session';

/** One section of the page (a module plus its container in lib/pages/account-page.ts). */
export interface Section {
  /** Fills the section for the signed-in person; false when it could not. */
  show(): Promise<boolean>;
  /** Empties it (signed out): nothing of the last person stays in the page. */
  clear(): void;
}

export type Tone = 'ok' | 'bad';

export interface AccountContext {
  token(): string | null;
  /** Keeps a new session's token (after a sign-in). */
  keep(token: string): void;
  /** A call with the session; a refused session (401 `unauthorized`) signs the page out, and the result is returned as it is. */
  call<T = undefined>(method: string, path: string, body?: unknown, options?: { cookies?: boolean }): Promise<ApiResult<T>>;
  /** Says `text` in the status region (polite); `tone` frames it as good or bad news. */
  announce(text: string, tone?: Tone): void;
  /** Forgets the session and shows the sign-in form, with `message` said. */
  signedOut(message?: string): void;
  /**
   * Runs a change that needs a recent sign-in; on 403 `recent_sign_in_required` asks the person to
   * confirm it is them (web/src/factors.ts), then runs it again. Set by the page once that section exists.
   */
  withRecentSignIn<T>(call: () => Promise<ApiResult<T>>): Promise<ApiResult<T>>;
}

export function accountContext(onSignedOut: (message?: string) => void): AccountContext {
  const announce = (text: string, tone?: Tone) => {
    const status = byId('account-status');
    status.textContent = text;
    if (tone) status.dataset.tone = tone;
    else delete status.dataset.tone;
  };
  const signedOut = (message?: string) => {
    sessionStorage.removeItem(SESSION_KEY);
    onSignedOut(message);
  };
  return {
    withRecentSignIn: (call) => call(),
    token: () => sessionStorage.getItem(SESSION_KEY),
    keep: (token) => sessionStorage.setItem(SESSION_KEY, token),
    announce,
    signedOut,
    async call<T>(method: string, path: string, body?: unknown, options: { cookies?: boolean } = {}) {
      const result = await api<T>(method, path, { token: sessionStorage.getItem(SESSION_KEY), body, cookies: options.cookies });
      // `unauthorized` is the session itself refused; a wrong current password (`invalid_credentials`) is not.
      if (!result.ok && result.error.code === 'unauthorized' && sessionStorage.getItem(SESSION_KEY)) signedOut('Your session has ended. Sign in again.');
      return result;
    },
  };
}
