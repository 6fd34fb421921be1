import type { HttpResponse } from './types';

export function json(statusCode: number, body: unknown, headers?: Record<string, string>): HttpResponse {
  return { statusCode, body, headers };
}

export function noContent(headers?: Record<string, string>): HttpResponse {
  return { statusCode: 204, headers };
}

export function text(statusCode: number, body: string, contentType = 'text/plain; charset=utf-8'): HttpResponse {
  return { statusCode, text: body, contentType };
}

/** An HTML page; `cache` only for pages that carry no personal data. */
export function htmlPage(statusCode: number, body: string, options: { cache?: string; headers?: Record<string, string> } = {}): HttpResponse {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.cache) headers['Cache-Control'] = options.cache;
  return { statusCode, text: body, contentType: 'text/html; charset=utf-8', headers };
}
