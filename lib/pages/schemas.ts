import { z } from 'zod';
import { defineRoute } from '../http/contract';
import { errorBody } from '../http/fields';

/**
 * The contract of the pages (docs/pages.md): HTML answers under the pages' header profile. The
 * form routes accept any urlencoded fields as strings; the checks that decide are the domain's
 * (the incident report schema, the reporter view), and a refused form is answered with the form
 * again, as a page, with the problem next to its field: never a JSON error a person cannot read.
 */
const html = (description: string) => ({ description, contentType: 'text/html' });

const page = (id: string, path: string, summary: string) =>
  defineRoute({ id, method: 'GET', path, tag: 'pages', summary, auth: 'none', headers: 'page', responses: { 200: html(summary) } });

export const securityPageRoute = page('securityPage', '/security', 'The Security page: the promises with their live evidence (cacheable, 60 s)');
export const reportPageRoute = page('reportPage', '/security/report', 'The report form (works without JavaScript)');
export const reportStatusPageRoute = defineRoute({
  id: 'reportStatusPage',
  method: 'GET',
  path: '/security/report/status',
  tag: 'pages',
  summary: 'The form to check a report by id and tracking token',
  auth: 'none',
  headers: 'page',
  // The receipt email links here with the id filled in (lib/incidents/mail.ts trackingLink); never the token.
  query: z.object({ id: z.string().max(100).optional() }),
  responses: { 200: html('The form to check a report by id and tracking token') },
});
export const advisoriesPageRoute = page('advisoriesPage', '/security/advisories', 'Published advisories with their credits (cacheable, 60 s)');
export const accountSecurityPageRoute = page('accountSecurityPage', '/account/security', 'Sign in; sessions and access tokens; connected accounts (needs JavaScript)');

/** Urlencoded fields, every value a string; which ones matter is the domain's business. */
const formFields = z.record(z.string(), z.string());

export const reportSubmitRoute = defineRoute({
  id: 'reportSubmit',
  method: 'POST',
  path: '/security/report',
  tag: 'pages',
  summary: 'Send a report from the form without JavaScript (the fields of POST /v1/incidents; creditConsent=yes)',
  auth: 'none',
  headers: 'page',
  body: { mode: 'form', schema: formFields, maxBytes: 128 * 1024 },
  responses: {
    200: html('The receipt: incident id, tracking token, acknowledge-by'),
    400: html('The form again, values kept, the problem next to its field'),
    413: { description: 'Body over 128 KiB', schema: errorBody },
    415: { description: 'Not application/x-www-form-urlencoded', schema: errorBody },
    429: { ...html('The form again: too many reports from this address'), headers: { 'Retry-After': 'seconds to wait' } },
  },
});

export const reportStatusLookupRoute = defineRoute({
  id: 'reportStatusLookup',
  method: 'POST',
  path: '/security/report/status',
  tag: 'pages',
  summary: 'A report\'s status from its id and tracking token, posted so the token is never in a URL',
  auth: 'none',
  headers: 'page',
  body: { mode: 'form', schema: formFields, maxBytes: 4 * 1024 },
  responses: {
    200: html('Status, point of contact, reporter-visible updates'),
    400: html('The form again: a field is empty'),
    404: html('The form again: no report with this id and tracking token (one answer for both)'),
  },
});

/** Local stage only (sls/functions/web-assets.js): CloudFront serves these from S3 elsewhere. */
export const webAssetRoute = defineRoute({
  id: 'webAsset',
  method: 'GET',
  path: '/assets/{file}',
  tag: 'pages',
  summary: 'A content-hashed static asset of the pages (local stage; CloudFront and S3 on deployed stages)',
  auth: 'none',
  headers: 'page',
  params: z.object({ file: z.string() }),
  responses: { 200: { description: 'The file, cached for a year (immutable)' }, 404: { description: 'No such asset', schema: errorBody } },
});
