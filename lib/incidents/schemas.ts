import * as z from 'zod/mini';
import { defineRoute, preprocess, withMeta } from '../http/contract';
import { emailAddress, errorBody, isoTimestamp, plainText } from '../http/fields';
import { INCIDENT_SCOPES, INCIDENT_STATUSES } from './model';
import { PLAIN_NAME_RULE, plainNameProblem } from './plain-text';

/** The contract of the incident routes: what they accept and answer (docs/contract.md). */

export const SUMMARY_MAX = 200;
export const DETAILS_MAX = 20_000;
export const CREDIT_MAX = 100;
/** A field no person fills in (hidden in the web form); bots that fill every field give themselves away. */
export const HONEYPOT_FIELD = 'website';

/** An optional text field that a form may send empty: "" means "not given". */
const optionalText = (max: number) => preprocess((value: unknown) => (value === '' ? undefined : value), z.nullish(plainText(max)));

const incidentReportFields = z.object({
  email: withMeta(emailAddress, { description: 'where the receipt and reporter-visible updates go' }),
  summary: withMeta(plainText(SUMMARY_MAX), { description: 'one line' }),
  details: withMeta(plainText(DETAILS_MAX, { lines: true }), { description: 'what happened; kept as plain text, never rendered' }),
  scope: withMeta(z.enum(INCIDENT_SCOPES), { description: '`security` for a vulnerability or breach, `account` for a problem with one account' }),
  // Published in advisories: a plain-text name, refused (never escaped) when it holds markup (lib/incidents/plain-text.ts).
  creditAs: withMeta(
    optionalText(CREDIT_MAX).check(z.refine((value) => value === null || value === undefined || plainNameProblem(value) === undefined, { message: `must be ${PLAIN_NAME_RULE}` })),
    { description: 'the name to credit in the published advisory (needs creditConsent); plain text: no `<` or `>`, no control or invisible formatting characters' },
  ),
  creditConsent: withMeta(z.nullish(z.boolean()), { description: 'true: you agree to be named in the published advisory' }),
});

export const incidentReportBody = z.pipe(
  incidentReportFields.check(
    z.superRefine((report, ctx) => {
      // Credit is public: publish a name only when the reporter said so explicitly.
      if (report.creditAs && report.creditConsent !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['creditConsent'],
          message: '"creditAs" needs "creditConsent": true, your consent to be named in the published advisory.',
          params: { code: 'credit_consent_required' },
        });
      }
    }),
  ),
  z.transform(({ creditConsent: _consent, creditAs, ...report }: z.output<typeof incidentReportFields>) => ({ ...report, creditAs: creditAs ?? null })),
);

export type IncidentReport = z.output<typeof incidentReportBody>;

export const incidentReceipt = z.object({
  id: withMeta(z.string(), { description: 'the incident id', example: 'inc_3q2-7wXkQmRrVb1Y' }),
  trackingToken: withMeta(z.string(), { description: 'shown once: send it as X-Tracking-Token to read the status' }),
  status: z.literal('received'),
  acknowledgeBy: withMeta(isoTimestamp, { description: 'one business day after receipt, in the team\'s time zone and holiday calendar' }),
});

export const createIncidentRoute = defineRoute({
  id: 'createIncident',
  method: 'POST',
  path: '/v1/incidents',
  tag: 'incidents',
  summary: 'Report a security incident or an account problem',
  auth: 'bearer-optional',
  body: { mode: 'json', schema: incidentReportBody, maxBytes: 128 * 1024 },
  responses: {
    202: { description: 'Received; acknowledged within one business day', schema: incidentReceipt },
    400: { description: 'A field is missing or not valid (`missing_email`, `invalid_scope`, `summary_too_long`, `credit_consent_required`, `invalid_credit_as`, …)', schema: errorBody },
    401: { description: 'A bearer token was sent and is not valid', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } },
    429: { description: '`too_many_reports` from this address', schema: errorBody, headers: { 'Retry-After': 'seconds to wait' } },
  },
});

export const reporterView = z.object({
  id: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  acknowledgedAt: z.nullable(isoTimestamp),
  contact: withMeta(z.nullable(z.string()), { description: 'the point of contact, once acknowledged' }),
  updates: withMeta(z.array(z.object({ at: isoTimestamp, message: z.string() })), { description: 'reporter-visible updates only, oldest first' }),
});

export const getIncidentRoute = defineRoute({
  id: 'getIncident',
  method: 'GET',
  path: '/v1/incidents/{id}',
  tag: 'incidents',
  summary: "The reporter's view of a report: status, point of contact, public updates",
  auth: 'tracking-token',
  // Any id is accepted here: a malformed one is the same 404 as a wrong one (lib/incidents/public-views.ts).
  params: z.object({ id: withMeta(z.string(), { example: 'inc_3q2-7wXkQmRrVb1Y' }) }),
  headers: z.object({ 'X-Tracking-Token': withMeta(z.optional(z.string()), { description: 'the trackingToken answered by POST /v1/incidents' }) }),
  responses: {
    200: { description: "The reporter's view", schema: reporterView },
    404: { description: '`not_found`: a wrong id and a wrong or missing token look the same', schema: errorBody },
  },
});

export const advisory = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  resolvedAt: isoTimestamp,
  publishedAt: isoTimestamp,
  credits: withMeta(z.array(z.string()), { description: 'the reporters who agreed to be named' }),
});

export const listAdvisoriesRoute = defineRoute({
  id: 'listSecurityAdvisories',
  method: 'GET',
  path: '/v1/security/advisories',
  tag: 'incidents',
  summary: 'Published security advisories, with credits',
  auth: 'none',
  responses: { 200: { description: 'Published incidents only', schema: z.object({ advisories: z.array(advisory) }) } },
});

export const securityTxtRoute = defineRoute({
  id: 'getSecurityTxt',
  method: 'GET',
  path: '/.well-known/security.txt',
  tag: 'incidents',
  summary: 'RFC 9116 security.txt: where and how to report a vulnerability',
  auth: 'none',
  responses: {
    200: {
      description: 'Contact, Expires (under a year ahead), Policy, Acknowledgments, Preferred-Languages, Canonical',
      contentType: 'text/plain',
      schema: withMeta(z.string(), { example: 'Contact: mailto:security@helpshelf.com\nExpires: 2027-05-23T00:00:00Z\n' }),
    },
  },
});
