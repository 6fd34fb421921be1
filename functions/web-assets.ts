import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { httpRoute } from '../lib/http/handler';
import { webAssetRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';
import { NotFoundError } from '../lib/platform/errors';

const dir = requireEnv('WEB_ASSETS_DIR');
const NAME = /^[A-Za-z0-9_-]{1,80}\.(js|css|svg)$/;
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };

/**
 * GET /assets/{file}, local stage only: serves web/dist/assets (built by web/build.js) the way
 * CloudFront serves the S3 bucket on deployed stages — content-hashed names, cached for a year.
 */
export const handler = httpRoute(webAssetRoute, async (request) => {
  const name = request.input.params.file;
  const match = NAME.exec(name);
  if (!match) throw new NotFoundError();
  let content: string;
  try {
    content = await readFile(path.join(dir, name), 'utf8');
  } catch {
    throw new NotFoundError();
  }
  return { statusCode: 200, text: content, contentType: TYPES[match[1]], headers: { 'Cache-Control': 'public, max-age=31536000, immutable' } };
});
