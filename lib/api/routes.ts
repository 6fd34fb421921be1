import type { RouteContract } from '../http/contract';
import { buildOpenApiDocument } from '../http/openapi';
import { healthRoute, openApiRoute } from '../http/schemas';
import { stripeWebhookRoute } from '../billing/schemas';
import { deleteMyAccountRoute, exportMyDataRoute } from '../data-rights/schemas';
import {
  changePasswordRoute,
  createSessionRoute,
  unlockSessionsRoute,
  createTokenRoute,
  deleteSessionRoute,
  deleteTokenRoute,
  listTokensRoute,
  meRoute,
  oauthRevokeRoute,
  requestPasswordResetRoute,
  resetPasswordRoute,
  revokeAllTokensRoute,
  signupRoute,
  verifySignupRoute,
} from '../identity/schemas';
import { accessLogRoute } from '../access/schemas';
import {
  deletePasskeyRoute,
  listPasskeysRoute,
  passkeyRegistrationOptionsRoute,
  passkeySignInOptionsRoute,
  passkeySignInRoute,
  registerPasskeyRoute,
} from '../identity/passkeys/schemas';
import { confirmSessionRoute, confirmTotpRoute, deleteTotpRoute, enrolTotpRoute, securityEventsRoute, totpStatusRoute } from '../identity/mfa/schemas';
import {
  connectCallbackRoute,
  createConnectionRoute,
  deleteConnectionRoute,
  listConnectionsRoute,
  listPostsRoute,
  listProvidersRoute,
  publishPostRoute,
  startConnectRoute,
} from '../connections/schemas';
import { createIncidentRoute, getIncidentRoute, listAdvisoriesRoute, securityTxtRoute } from '../incidents/schemas';
import {
  accountPageRoute,
  advisoriesPageRoute,
  checkReportStatusPageRoute,
  reportPageRoute,
  reportStatusPageRoute,
  resetPasswordPageRoute,
  securityPageRoute,
  signupPageRoute,
  submitReportPageRoute,
  verifyEmailPageRoute,
} from '../pages/schemas';

/**
 * Every public route of the API, by its contract: the one source of the OpenAPI document
 * (docs/openapi.json, served at GET /v1/openapi.json) and of the route table
 * (lib/http/routes.json, which serverless.yml's fallback and the fuzzer read). Add a route here,
 * then `npm run contract` regenerates both; a test fails while either is stale.
 */
export const API_ROUTES: readonly RouteContract[] = [
  healthRoute,
  securityTxtRoute,
  stripeWebhookRoute,
  signupRoute,
  verifySignupRoute,
  createSessionRoute,
  unlockSessionsRoute,
  confirmSessionRoute,
  passkeySignInOptionsRoute,
  passkeySignInRoute,
  deleteSessionRoute,
  changePasswordRoute,
  requestPasswordResetRoute,
  resetPasswordRoute,
  meRoute,
  exportMyDataRoute,
  deleteMyAccountRoute,
  listTokensRoute,
  createTokenRoute,
  deleteTokenRoute,
  revokeAllTokensRoute,
  oauthRevokeRoute,
  enrolTotpRoute,
  confirmTotpRoute,
  totpStatusRoute,
  deleteTotpRoute,
  securityEventsRoute,
  accessLogRoute,
  passkeyRegistrationOptionsRoute,
  registerPasskeyRoute,
  listPasskeysRoute,
  deletePasskeyRoute,
  createIncidentRoute,
  getIncidentRoute,
  listAdvisoriesRoute,
  securityPageRoute,
  reportPageRoute,
  submitReportPageRoute,
  reportStatusPageRoute,
  checkReportStatusPageRoute,
  advisoriesPageRoute,
  accountPageRoute,
  signupPageRoute,
  verifyEmailPageRoute,
  resetPasswordPageRoute,
  listProvidersRoute,
  createConnectionRoute,
  listConnectionsRoute,
  startConnectRoute,
  connectCallbackRoute,
  deleteConnectionRoute,
  listPostsRoute,
  publishPostRoute,
  openApiRoute,
];

export function apiDocument() {
  return buildOpenApiDocument(API_ROUTES, {
    title: 'HelpShelf API',
    version: '1',
    description: 'The public HTTP contract of the HelpShelf backend. Errors are `{"error":{"code","message"}}`; every response carries HSTS, `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`.',
    tags: {
      platform: 'Health and this document',
      identity: 'Sign-up, sessions, passwords and access tokens',
      billing: 'Stripe webhooks',
      incidents: 'Security incident reports, their status, advisories and security.txt',
      connections: 'Connected social accounts',
      pages: 'The pages people use (HTML)',
    },
  });
}

/** lib/http/routes.json: method and path of every route, for the fallback function and the tests. */
export function routeTable() {
  return {
    comment:
      'Generated from lib/api/routes.ts by `npm run contract`; do not edit. Every public route of API.md. serverless.yml\'s fallback function answers 405 (with Allow) for other methods on these paths and 404 elsewhere; a template test checks this list against the http events of every function.',
    routes: API_ROUTES.map((r) => ({ method: r.method, path: r.path })),
  };
}
