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
