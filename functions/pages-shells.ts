import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { httpRoute } from '../lib/http/handler';
import { htmlPage } from '../lib/http/responses';
import { minPasswordLength } from '../lib/identity/password-settings';
import { renderAccountPage } from '../lib/pages/account-page';
import { renderResetPasswordPage, renderSignupPage, renderVerifyEmailPage } from '../lib/pages/account-journey-pages';
import { parseAssetManifest } from '../lib/pages/assets';
import { renderReportForm } from '../lib/pages/report-page';
import {
  accountPageRoute,
  reportPageRoute,
  reportStatusPageRoute,
  resetPasswordPageRoute,
  signupPageRoute,
  verifyEmailPageRoute,
} from '../lib/pages/schemas';
import { renderStatusForm } from '../lib/pages/status-page';
import { requireEnv } from '../lib/platform/config';

/**
 * The pages that are static shells (their scripts do the rest against the JSON API): one function
 * for all six, each path still its own route contract. They need no permission and share their
 * assets; one function instead of six keeps the stack under CloudFormation's 500 resources (each
 * function is a role, a log group, a permission and the function itself).
 */
const assets = parseAssetManifest(requireEnv('WEB_ASSETS'));
const options = { minPasswordLength: minPasswordLength() };
const cache = { cache: 'public, max-age=300' };
const shell = (body: string) => async () => htmlPage(200, body, cache);

const pages = {
  /** GET /account/security: web/src/account.ts does the rest against the JSON API. */
  [accountPageRoute.path]: httpRoute(accountPageRoute, shell(renderAccountPage(assets, options))),
  /** GET /account/signup: web/src/signup.ts posts to POST /v1/signup. */
  [signupPageRoute.path]: httpRoute(signupPageRoute, shell(renderSignupPage(assets, options))),
  /** GET /account/verify-email: the verification mail's link; web/src/verify-email.ts posts the fragment's token with the password. */
  [verifyEmailPageRoute.path]: httpRoute(verifyEmailPageRoute, shell(renderVerifyEmailPage(assets))),
  /** GET /account/reset-password: asks for the reset mail, or (from its link) sets the new password. */
  [resetPasswordPageRoute.path]: httpRoute(resetPasswordPageRoute, shell(renderResetPasswordPage(assets, options))),
  /** GET /security/report: the report form (it posts to POST /security/report without JavaScript). */
  [reportPageRoute.path]: httpRoute(reportPageRoute, shell(renderReportForm(assets))),
  /**
   * GET /security/report/status: the form (it posts to POST /security/report/status), with the id
   * filled in when the receipt email's link carries it (`?id=inc_…`; the token is never in a URL).
   */
  [reportStatusPageRoute.path]: httpRoute(reportStatusPageRoute, async (request) => {
    const id = request.query.id?.trim().slice(0, 100);
    return htmlPage(200, renderStatusForm(assets, id ? { id } : {}), cache);
  }),
};

/** API Gateway names the matched path template in `resource`: each path has its own route. */
export const handler = Object.assign(
  (event: APIGatewayProxyEvent, context: Context) => {
    const page = pages[event.resource];
    if (!page) throw new Error(`pageShells serves no route for ${event.resource}`);
    return page(event, context);
  },
  // Each route's own contract, for the route-contract check (test/integration/platform/route-contracts.test.ts).
  { routes: [accountPageRoute, signupPageRoute, verifyEmailPageRoute, resetPasswordPageRoute, reportPageRoute, reportStatusPageRoute] },
);
