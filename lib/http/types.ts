import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type BodyMode = 'none' | 'json' | 'form' | 'raw';

/** The request as handlers see it: headers lower-cased, body already decoded and checked. */
export interface HttpRequest {
  method: string;
  path: string;
  /** The route template, e.g. `/v1/tokens/{id}`. */
  resource: string;
  headers: Record<string, string>;
  /** Every value of every header, lower-cased names: needed to refuse duplicated credentials. */
  multiHeaders: Record<string, string[]>;
  query: Record<string, string>;
  params: Record<string, string>;
  /** Parsed body: a JSON object in `json` mode, a string map in `form` mode, undefined otherwise. */
  body: unknown;
  /** The body exactly as sent (base64 decoded), for signature checks. */
  rawBody: string;
  sourceIp: string;
  requestId: string;
  userAgent: string;
  event: APIGatewayProxyEvent;
  context: Context;
}

export interface HttpResponse {
  statusCode: number;
  /** Serialised as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type HttpHandlerFn = (request: HttpRequest) => Promise<HttpResponse>;
export type { APIGatewayProxyEvent, APIGatewayProxyResult, Context };
