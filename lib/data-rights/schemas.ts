import * as z from 'zod/mini';
import { defineRoute, withMeta } from '../http/contract';
import { errorBody } from '../http/fields';
import { password, PASSWORD_BODY_LIMIT, recentSignInRequired } from '../identity/schema-fields';

/** The contract of GET /v1/me/export and DELETE /v1/me (API.md "My data: export and deletion"). */

export const deleteAccountBody = z.object({ password: password('password') });
export type DeleteAccountInput = z.output<typeof deleteAccountBody>;

const section = (description: string) => withMeta(z.unknown(), { description });

export const exportDocument = withMeta(
  z.object({
    format: withMeta(z.string(), { example: 'helpshelf-export/1' }),
    exportedAt: z.string(),
    account: section('id, email, name, when created and verified'),
    billing: section('the Stripe customer and subscription as HelpShelf knows them (null when none); Stripe holds the payment details'),
    sessions: section('signed-in sessions: kind, created, last used, expires, where seen'),
    tokens: section('personal access tokens (never a secret)'),
    connections: section('connected social accounts (never a token)'),
    passkeys: section('passkeys: name, created, last used (never a key)'),
    authenticatorApp: section('whether the authenticator app is on, and since when (never its secret or recovery codes)'),
    incidents: section('security reports you made: your words, status and reporter-visible updates'),
    accessLog: section('every time an engineer read or restored your data'),
    securityEvents: section('sign-in factors added or removed, and other security events of the account'),
  }),
  { description: 'Everything HelpShelf holds about the caller, never a secret, token value or hash' },
);

export const exportMyDataRoute = defineRoute({
  id: 'exportMyData',
  method: 'GET',
  path: '/v1/me/export',
  tag: 'identity',
  summary: 'Download everything held about the caller (a JSON attachment)',
  auth: 'session',
  responses: {
    200: { description: 'The export, as an attachment', schema: exportDocument, headers: { 'Content-Disposition': 'attachment; filename="helpshelf-export.json"' } },
    401: { description: '`unauthorized`', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } },
    403: recentSignInRequired,
  },
});

export const deleteMyAccountRoute = defineRoute({
  id: 'deleteMyAccount',
  method: 'DELETE',
  path: '/v1/me',
  tag: 'identity',
  summary: 'Delete the account and everything it holds',
  auth: 'session',
  body: { mode: 'json', schema: deleteAccountBody, maxBytes: PASSWORD_BODY_LIMIT },
  responses: {
    202: { description: 'Deleted: every session and token stopped at once', schema: z.object({ status: z.literal('deleted') }) },
    400: { description: '`invalid_request`', schema: errorBody },
    401: { description: '`invalid_credentials`: the password is not right; `unauthorized`', schema: errorBody, headers: { 'WWW-Authenticate': 'Bearer' } },
    403: recentSignInRequired,
    409: { description: '`conflict`: the account changed meanwhile (a new password); sign in again and retry', schema: errorBody },
    503: { description: '`service_unavailable`: Stripe did not answer; nothing was deleted, try again', schema: errorBody, headers: { 'Retry-After': '2' } },
  },
});
