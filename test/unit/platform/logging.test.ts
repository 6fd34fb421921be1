import type { APIGatewayProxyResult } from 'aws-lambda';
import { httpHandler } from '../../../lib/http/handler';
import { json } from '../../../lib/http/responses';
import { opsHandler, action } from '../../../lib/ops/handler';
import { BadRequestError } from '../../../lib/platform/errors';
import { loggedHandler, logger } from '../../../lib/platform/logger';
import * as z from 'zod';
import { apiGatewayEvent, lambdaContext } from '../../support/http';

type Line = Record<string, unknown> & { message: string };

/** The structured log lines written while `fn` runs. */
async function linesWrittenBy(fn: () => Promise<unknown>): Promise<Line[]> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return chunks.flatMap((c) => c.split('\n')).filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Line);
}

const web = httpHandler({ body: 'json' }, async (request) => {
  logger.appendKeys({ accountHint: 'acct-1' });
  logger.info('inside the handler', { password: 'Correct-Horse-9' });
  if ((request.body as { fail?: boolean }).fail) throw new BadRequestError('invalid_thing', 'No.');
  return json(200, { ok: true });
});

const post = (body: Record<string, unknown>) => apiGatewayEvent({ method: 'POST', path: '/v1/thing', body }, '/v1/thing', {});

const savedStage = process.env.STAGE;
beforeAll(() => {
  process.env.STAGE = 'local';
});
afterAll(() => {
  process.env.STAGE = savedStage;
});

describe('every handler logs with its Lambda context (Powertools injectLambdaContext)', () => {
  it('an HTTP handler puts the API Gateway request id on every line as correlation_id, with the function and its request id', async () => {
    const event = post({});
    const context = lambdaContext('helpshelf-local-thing');
    const lines = await linesWrittenBy(() => web(event, context));
    expect(lines.map((l) => l.message)).toEqual(['inside the handler', 'request completed']);
    for (const line of lines) {
      expect(line).toMatchObject({ correlation_id: event.requestContext.requestId, function_name: 'helpshelf-local-thing', function_request_id: context.awsRequestId });
    }
    // The project's own redaction still applies.
    expect(JSON.stringify(lines)).not.toContain('Correct-Horse-9');
  });

  it('keys appended in one invocation do not leak into the next, refused requests included', async () => {
    const first = post({ fail: true });
    const second = post({});
    const lines = await linesWrittenBy(async () => {
      expect(((await web(first, lambdaContext('thing'))) as APIGatewayProxyResult).statusCode).toBe(400);
      expect(((await web(second, lambdaContext('thing'))) as APIGatewayProxyResult).statusCode).toBe(200);
    });
    const ofSecond = lines.filter((l) => l.correlation_id === second.requestContext.requestId);
    expect(lines.filter((l) => l.correlation_id === first.requestContext.requestId).map((l) => l.message)).toEqual(['inside the handler', 'request rejected', 'request completed']);
    expect(ofSecond.map((l) => l.message)).toEqual(['inside the handler', 'request completed']);
    // The next invocation of anything starts clean: no key the HTTP handler appended, no correlation id.
    const afterFirst = await linesWrittenBy(() => loggedHandler(async () => logger.info('a schedule'))({}, lambdaContext('job')));
    expect(afterFirst[0]).not.toHaveProperty('accountHint');
    expect(afterFirst[0]).not.toHaveProperty('correlation_id');
  });

  it('an ops handler logs the action and the caller for that invocation only', async () => {
    const ops = opsHandler({ ping: action(z.object({}), async () => 'pong') });
    const lines = await linesWrittenBy(async () => {
      await ops({ action: 'ping', localEngineer: 'ada' }, lambdaContext('helpshelf-local-opsPing'));
      await loggedHandler(async () => logger.info('next invocation'))({}, lambdaContext('job'));
    });
    expect(lines.find((l) => l.message === 'ops action completed')).toMatchObject({ opsAction: 'ping', actor: 'local:ada', function_name: 'helpshelf-local-opsPing' });
    expect(lines.find((l) => l.message === 'next invocation')).not.toHaveProperty('actor');
  });
});
