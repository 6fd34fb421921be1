/** Creating an access token: name and lifetime; the secret is shown once, with a copy button. */
import type * as z from 'zod/mini';
import type { issuedToken } from '../../../lib/identity/views';
import { byId, clearProblems, fieldError, formProblem } from '../dom';
import type { AccountContext, Section } from './context';

type IssuedToken = z.output<typeof issuedToken>;

const FIELDS = ['token-name', 'token-days'];

export function createTokenSection(ctx: AccountContext, onCreated: () => Promise<unknown>): Section {
  const form = byId<HTMLFormElement>('create-token-form');
  const box = byId('new-token');
  const value = byId('new-token-value');

  async function create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    clearProblems('create-token-error', FIELDS);
    const name = byId<HTMLInputElement>('token-name').value.trim();
    const daysText = byId<HTMLInputElement>('token-days').value.trim();
    const days = daysText === '' ? undefined : Number(daysText);
    if (!name) return formProblem('create-token-error', 'Give the token a name.', 'token-name');
    if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 365)) return formProblem('create-token-error', 'Enter a whole number of days from 1 to 365.', 'token-days');
    const result = await ctx.withRecentSignIn(() => ctx.call<IssuedToken>('POST', '/v1/tokens', days === undefined ? { name } : { name, expiresInDays: days }));
    if (!result.ok) {
      if (result.error.code === 'unauthorized') return;
      // The days were checked here, so a refused field is the name.
      return formProblem('create-token-error', result.error.message, result.error.code === 'invalid_request' ? 'token-name' : null);
    }
    form.reset();
    value.textContent = result.body.token;
    byId('copy-result').textContent = '';
    box.hidden = false;
    box.focus();
    await onCreated();
  }

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(value.textContent ?? '');
      byId('copy-result').textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard permission: select the token so the person can copy it themselves.
      const range = document.createRange();
      range.selectNodeContents(value);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      byId('copy-result').textContent = 'Copying is not allowed here: the token is selected, copy it with your keyboard.';
    }
  }

  function dismiss(): void {
    box.hidden = true;
    value.textContent = '';
    byId('token-name').focus();
  }

  form.addEventListener('submit', (e) => void create(e));
  byId('copy-token').addEventListener('click', () => void copy());
  byId('dismiss-token').addEventListener('click', dismiss);

  return {
    show: async () => true,
    clear() {
      box.hidden = true;
      value.textContent = '';
      form.reset();
      for (const field of FIELDS) fieldError(field, null);
      clearProblems('create-token-error', FIELDS);
    },
  };
}
