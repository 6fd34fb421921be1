import type { PageAssets, ScriptName } from './assets';
import { html, type Html } from './html';

export interface PageOptions {
  title: string;
  /** The path of the page, to mark the current navigation link. */
  path: string;
  assets: PageAssets;
  main: Html;
  /** Scripts of this page (enhancements); the page works without them unless said otherwise. */
  scripts?: ScriptName[];
}

const NAV: Array<[string, string]> = [
  ['/security', 'Security'],
  ['/security/report', 'Report a vulnerability'],
  ['/security/report/status', 'Report status'],
  ['/security/advisories', 'Advisories'],
  ['/account/security', 'Your account security'],
];

/** Every page: a skip link, the navigation, one main landmark, no inline script or style. */
export function page(options: PageOptions): string {
  const nav = NAV.map(
    ([href, label]) => html`<li><a href="${href}"${options.path === href ? html` aria-current="page"` : ''}>${label}</a></li>`,
  );
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · HelpShelf</title>
<link rel="stylesheet" href="${options.assets.css}">
<link rel="icon" href="${options.assets.favicon}" type="image/svg+xml">
${(options.scripts ?? []).map((s) => html`<script src="${options.assets.script(s)}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><nav aria-label="Main"><ul><li class="brand">HelpShelf</li>${nav}</ul></nav></header>
<main id="main" tabindex="-1">
${options.main}
</main>
<footer class="site"><p>HelpShelf · <a href="/.well-known/security.txt">security.txt</a> · <a href="/security/report">Report a vulnerability</a></p></footer>
</body>
</html>`}\n`;
}

/** A time people can read, and the exact instant for machines. */
export function time(iso: string): Html {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  const readable = d.toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
  return html`<time datetime="${d.toISOString()}">${readable}</time>`;
}
