import type { HeaderLine } from './message';

/**
 * When a message counts as from its From address (API.md "Security inbox"): the receipt (SES's
 * topmost Authentication-Results) shows DMARC `pass`, or SPF or DKIM `pass` for the From
 * address's own domain (aligned). A pass for some other domain proves only that the other domain
 * sent it: `spf=pass smtp.mailfrom=x@attacker.example; dmarc=none header.from=victim.example` is
 * the attacker's mail. Pure: no I/O, mutation-tested.
 */

interface MethodResult {
  method: string;
  result: string;
  props: Record<string, string>;
}

/** The method results of SES's own Authentication-Results (the topmost one, written by amazonses.com). */
export function authenticationResults(headers: HeaderLine[]): MethodResult[] {
  const top = headers.find((h) => h.name === 'authentication-results')?.value.trim();
  if (top === undefined || !/^amazonses\.com\s*;/i.test(top)) return [];
  // Comments in parentheses say nothing binding; SES writes properties of SPF (client-ip,
  // envelope-from, helo) either after its result or as ';'-separated items of their own.
  const text = top.replace(/\([^)]*\)/g, ' ').slice(top.indexOf(';') + 1);
  const results: MethodResult[] = [];
  for (const [, rawKey, value] of text.matchAll(/([A-Za-z][A-Za-z0-9._-]*)\s*=\s*("[^"]*"|[^\s;]+)/g)) {
    const key = rawKey.toLowerCase();
    const clean = value.replace(/^"|"$/g, '').toLowerCase();
    if (key === 'spf' || key === 'dkim' || key === 'dmarc') results.push({ method: key, result: clean, props: {} });
    else if (results.length > 0) results[results.length - 1].props[key] = clean;
  }
  return results;
}

/** The domain of an address or of `@domain` (header.i), lower case, no trailing dot. */
export function domainOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const domain = value.slice(value.lastIndexOf('@') + 1).replace(/\.$/, '').toLowerCase();
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : undefined;
}

/**
 * Aligned: the authenticated domain is the From domain, or a parent of it that is itself a
 * registered-looking name (`mail.example.com` under `example.com`). Never the other way round:
 * a pass for `someone.github.io` says nothing about mail from `github.io`.
 */
export function aligned(fromDomain: string, authenticated: string | undefined): boolean {
  if (!authenticated) return false;
  return fromDomain === authenticated || (authenticated.includes('.') && fromDomain.endsWith(`.${authenticated}`));
}

/** True when the receipt binds the message to `address` (see the module comment). */
export function senderVerified(headers: HeaderLine[], address: string): boolean {
  const fromDomain = domainOf(address);
  if (!fromDomain) return false;
  for (const r of authenticationResults(headers)) {
    if (r.result !== 'pass') continue;
    if (r.method === 'dmarc' && (r.props['header.from'] === undefined || aligned(fromDomain, domainOf(r.props['header.from'])))) return true;
    if (r.method === 'spf' && aligned(fromDomain, domainOf(r.props['smtp.mailfrom'] ?? r.props['envelope-from']))) return true;
    if (r.method === 'dkim' && aligned(fromDomain, domainOf(r.props['header.d'] ?? r.props['header.i']))) return true;
  }
  return false;
}

/**
 * The rate budget an address spends: lower case, plus-addressing folded (`ada+1@x` is `ada@x`),
 * so a fresh tag is not a fresh budget. Unverified mail spends a budget of its own, never the
 * claimed address's: forged mail cannot silence the real sender.
 */
export function rateBudgetKey(address: string | null, verified: boolean): string {
  if (address === null) return 'no-sender';
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf('@');
  const local = lower.slice(0, at).split('+')[0];
  const normalised = `${local}@${lower.slice(at + 1)}`;
  return verified ? `from:${normalised}` : `unverified:${normalised}`;
}
