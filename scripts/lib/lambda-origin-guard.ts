import { createServer, request as forwardRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * The local stage's Lambda invoke port (LAMBDA_PORT, what `npm run ops` calls) sits behind this
 * guard. serverless-offline answers a cross-origin `text/plain` POST (no CORS preflight needed)
 * from any web page and echoes its Origin, so any site a developer visited could run ops actions
 * on their machine. Browsers put an `Origin` header on every such request (and on every
 * same-origin POST, so a DNS-rebound page is caught too); the ops CLI, the queue pollers and
 * `mail receive` never send one. So: a request with an Origin header, or addressed to a host
 * other than this machine, is refused with 403 before serverless-offline sees it; everything else
 * is passed through unchanged.
 */
const LOCAL_HOSTS = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

function refuse(res: ServerResponse, message: string): void {
  res.writeHead(403, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code: 'forbidden', message } }));
}

export interface LambdaOriginGuard {
  stop(): Promise<void>;
}

export function startLambdaOriginGuard(options: { port: number; targetPort: number; host?: string }): Promise<LambdaOriginGuard> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.origin !== undefined) return refuse(res, 'The local Lambda invoke port does not answer web pages (a request with an Origin header).');
    if (!LOCAL_HOSTS.test(req.headers.host ?? '')) return refuse(res, 'The local Lambda invoke port answers requests addressed to this machine only.');
    const upstream = forwardRequest({ host: '127.0.0.1', port: options.targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'serverless-offline did not answer.' } }));
    });
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () =>
      resolve({
        stop: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      }),
    );
  });
}
