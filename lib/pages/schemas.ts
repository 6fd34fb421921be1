import * as z from 'zod/mini';
import { defineRoute, withMeta, type ResponseSpec } from '../http/contract';
import { errorBody } from '../http/fields';

/**
 * The contract of the pages (docs/pages.md): HTML for people, on the API's origin. Their form
 * posts are checked by the same intake as the JSON API (lib/incidents/report-intake.ts); the
 * schemas here document the fields.
 */

const html = (description: string): ResponseSpec => ({ description, contentType: 'text/html', schema: withMeta(z.string(), { description: 'an HTML page' }) });

const page = (id: string, path: string, summary: string) =>
  defineRoute({ id, method: 'GET', path, tag: 'pages', summary, auth: 'none', headerProfile: 'page', responses: { 200: html('The page') } });

export const securityPageRoute = page('getSecurityPage', '/security', 'The Security page, with live evidence');
export const reportPageRoute = page('getReportPage', '/security/report', 'The incident report form');
export const reportStatusPageRoute = defineRoute({
  ...page('getReportStatusPage', '/security/report/status', "The form to check a report's status"),
  // One function serves this form and its POST, reading any body as a form.
  responses: { 200: html('The page'), 415: { description: '`unsupported_media_type`: a body that is not a form', schema: errorBody } },
});
export const advisoriesPageRoute = page('getAdvisoriesPage', '/security/advisories', 'Published advisories and their credits');
export const accountPageRoute = page('getAccountSecurityPage', '/account/security', 'Sign in (or an unlock code); sessions, access tokens, password change and connected accounts');
export const signupPageRoute = page('getSignupPage', '/account/signup', 'Create an account; then check the mail');
export const verifyEmailPageRoute = page('getVerifyEmailPage', '/account/verify-email', "The verification mail's link (#token=…): the password chosen at signup confirms the address");
export const resetPasswordPageRoute = page('getResetPasswordPage', '/account/reset-password', "Ask for the reset mail; from its link (#token=…), set the new password");

export const reportFormBody = z.object({
  email: z.string(),
  summary: z.string(),
  details: z.string(),
  scope: withMeta(z.string(), { description: '`security` or `account`' }),
  creditAs: z.optional(z.string()),
  creditConsent: withMeta(z.optional(z.string()), { description: '`yes` when the box is checked' }),
});

export const submitReportPageRoute = defineRoute({
  id: 'submitReportPage',
  method: 'POST',
  path: '/security/report',
  tag: 'pages',
  headerProfile: 'page',
  summary: 'The report form without JavaScript: the same checks as POST /v1/incidents',
  auth: 'none',
  body: { mode: 'form', schema: reportFormBody, maxBytes: 128 * 1024 },
  responses: {
    200: html('The receipt: the report id and its tracking token'),
    400: { ...html('The form again, the problem next to its field; a body that cannot be read as a form gets the API.md JSON error'), alternatives: { 'application/json': errorBody } },
    429: { ...html('The form again: too many reports from this address'), headers: { 'Retry-After': 'seconds to wait' } },
  },
});

export const checkReportStatusPageRoute = defineRoute({
  id: 'checkReportStatusPage',
  method: 'POST',
  path: '/security/report/status',
  tag: 'pages',
  headerProfile: 'page',
  summary: "A report's status and reporter-visible updates, by id and tracking token",
  auth: 'none',
  body: { mode: 'form', schema: z.object({ id: z.string(), trackingToken: z.string() }), maxBytes: 4 * 1024 },
  responses: {
    200: html("The report's status and updates"),
    400: { ...html('The form again: a field is missing; a body that cannot be read as a form gets the API.md JSON error'), alternatives: { 'application/json': errorBody } },
    404: html('The form again: no report matches this id and tracking token'),
  },
});

/** Local stage only (sls/functions/web-assets.js): CloudFront serves these from S3 elsewhere; outside the route table. */
export const webAssetRoute = defineRoute({
  id: 'webAsset',
  method: 'GET',
  path: '/assets/{file}',
  tag: 'pages',
  summary: 'A content-hashed static asset of the pages (local stage only)',
  auth: 'none',
  headerProfile: 'page',
  params: z.object({ file: z.string() }),
  responses: { 200: { description: 'The file, cached for a year (immutable)' }, 404: { description: 'No such asset', schema: errorBody } },
});
