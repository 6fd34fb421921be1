import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { reportIntakeFromEnv } from '../lib/incidents';
import { HONEYPOT_FIELD } from '../lib/incidents/intake';
import { receiveReport } from '../lib/incidents/report-intake';
import { parseAssetManifest } from '../lib/pages/assets';
import { reportProblemMessage } from '../lib/pages/messages';
import { fieldOfErrorCode, REPORT_FIELDS, renderReportForm, renderReportReceived, type ReportValues } from '../lib/pages/report-page';
import { reportBodyFromForm } from '../lib/pages/report-fields';
import { submitReportPageRoute } from '../lib/pages/schemas';
import { requireEnv } from '../lib/platform/config';
import { AppError } from '../lib/platform/errors';

const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));
const intake = reportIntakeFromEnv();

/**
 * POST /security/report: the report form without JavaScript (application/x-www-form-urlencoded,
 * the field names of POST /v1/incidents). Same intake, so the same checks, limits, per-address
 * budget and honeypot; the answer is a page: the receipt, or the form again with the problem
 * next to its field (400, 429). The browser sends no bearer token, so no account is linked.
 */
export const handler = httpRoute(submitReportPageRoute, async (request) => {
  // The raw form, not the schema's output: the honeypot field is not in the schema, and the intake judges every field.
  const form = request.body as Record<string, string>;
  try {
    const receipt = await receiveReport(intake, reportBodyFromForm(form, HONEYPOT_FIELD), { sourceIp: request.sourceIp, identify: async () => undefined });
    return htmlPage(200, renderReportReceived(assets, receipt));
  } catch (error) {
    if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 429)) throw error;
    const values: ReportValues = {};
    for (const name of REPORT_FIELDS) if (typeof form[name] === 'string') values[name] = form[name];
    const problem = { field: fieldOfErrorCode(error.code), message: reportProblemMessage(error.code, error.message) };
    return htmlPage(error.status, renderReportForm(assets, values, problem), { headers: error.headers });
  }
});
