import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { dynamoIncidentRepository } from '../lib/incidents/dynamo-incident-repository';
import { reporterView } from '../lib/incidents/public-views';
import { parseAssetManifest } from '../lib/pages/assets';
import { checkReportStatusPageRoute } from '../lib/pages/schemas';
import { renderStatus, renderStatusForm } from '../lib/pages/status-page';
import { requireEnv } from '../lib/platform/config';
import { NotFoundError } from '../lib/platform/errors';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));
const repo = dynamoIncidentRepository(requireEnv('INCIDENTS_TABLE'));

/**
 * POST /security/report/status (urlencoded `id`, `trackingToken`): the reporter's view, public
 * updates only — posted, so the tracking token never sits in a URL, a log line or the browser
 * history. A wrong id and a wrong token are the same 404, as on the JSON route.
 */
export const handler = httpRoute(checkReportStatusPageRoute, async (request) => {
  const id = (request.input.body.id ?? '').trim();
  const trackingToken = (request.input.body.trackingToken ?? '').trim();
  if (!id) return htmlPage(400, renderStatusForm(assets, {}, { field: 'id', message: 'Enter the report id (it starts with inc_).' }));
  if (!trackingToken) return htmlPage(400, renderStatusForm(assets, { id }, { field: 'trackingToken', message: 'Enter the tracking token you received with the report.' }));
  try {
    return htmlPage(200, renderStatus(assets, await reporterView({ repo }, id, trackingToken)));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return htmlPage(404, renderStatusForm(assets, { id }, { message: 'No report matches this id and tracking token. Check both and try again.' }));
  }
});
