import { html, type Html } from './html';

/**
 * The fields of the account pages, one shape everywhere: a label, an optional hint, an error
 * paragraph the browser script fills (`<id>-error`, hidden until then), and the input described
 * by its hint. web/src/dom.ts (`fieldError`, `formProblem`) relies on these ids.
 */
export interface FieldOptions {
  id: string;
  label: string;
  type: 'email' | 'password' | 'text' | 'number';
  name?: string;
  autocomplete?: string;
  hint?: Html | string;
  required?: boolean;
  /** Extra attributes (already safe): `maxlength="100"`, `inputmode="numeric"`… */
  attrs?: Html;
}

export function field(o: FieldOptions): Html {
  const hintId = `${o.id}-hint`;
  return html`<div class="field"><label for="${o.id}">${o.label}</label>${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}
<p class="error" id="${o.id}-error" hidden></p>
<input id="${o.id}" name="${o.name ?? o.id}" type="${o.type}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required === false ? '' : html` required`}${o.hint ? html` aria-describedby="${hintId}"` : ''}${o.attrs ?? ''}></div>`;
}

/** A form's alert: the script says what went wrong here (with a link to the field) and focuses it. */
export function formAlert(id: string): Html {
  return html`<div class="alert" role="alert" id="${id}" hidden tabindex="-1"></div>`;
}

/** The policy's rules, shown before anyone submits (lib/identity/password-policy.ts). */
export function passwordRules(minLength: number): Html {
  return html`At least ${minLength} characters; any characters, spaces welcome (a few words make a good one). Not a common password, not one known from a data breach, and not built from your email address or the word HelpShelf.`;
}

/** The noscript notice of the pages that run in the browser. */
export const NEEDS_SCRIPT = html`<noscript><div class="alert"><p>This page needs JavaScript: it talks to the API from your browser, so that your password and the link's token go nowhere else. Everything else on this site works without JavaScript.</p></div></noscript>`;
