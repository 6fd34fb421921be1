/**
 * Where the pages' static assets are: content-hashed paths (`/assets/site-<hash>.css`) from the
 * manifest that web/build.js writes and serverless.yml passes as WEB_ASSETS. CloudFront serves
 * them from S3 on deployed stages; the local stage serves them with the webAssets function.
 */
/** The pages' browser scripts (web/src/<name>.ts). */
export const SCRIPT_NAMES = ['account', 'report', 'signup', 'verify-email', 'reset-password'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

export interface PageAssets {
  css: string;
  favicon: string;
  script(name: ScriptName): string;
}

const ASSET_PATH = /^\/assets\/[A-Za-z0-9_-]+\.(?:js|css|svg)$/;

export function parseAssetManifest(value: string): PageAssets {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new Error('WEB_ASSETS is not the JSON manifest of web/build.js');
  }
  const get = (logical: string): string => {
    const found = manifest[logical];
    if (typeof found !== 'string' || !ASSET_PATH.test(found)) throw new Error(`WEB_ASSETS names no valid asset for ${logical}`);
    return found;
  };
  const scripts = Object.fromEntries(SCRIPT_NAMES.map((name) => [name, get(`${name}.js`)])) as Record<ScriptName, string>;
  return { css: get('site.css'), favicon: get('favicon.svg'), script: (name) => scripts[name] };
}
