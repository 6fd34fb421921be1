import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { deleteAccount } from '../lib/data-rights/erasure';
import { erasureDeps, identityTables } from '../lib/data-rights/runtime';
import { deleteMyAccountRoute } from '../lib/data-rights/schemas';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { authenticateRecentSignIn } from '../lib/identity/authenticate';
import { confirmWithPassword, subjectOf } from '../lib/identity/data-rights';

/** DELETE /v1/me: the owner deletes the account (docs/data-rights.md). */
export const handler = httpRoute(deleteMyAccountRoute, { authenticate: (r) => authenticateRecentSignIn(r, { withUser: true, accessTokens: 'session_required' }) }, async (request) => {
  const auth = request.auth;
  const user = auth.user!;
  const guard = await confirmWithPassword(identityTables, argon2Hasher(), user, request.input.body.password);
  await deleteAccount(erasureDeps(), subjectOf(user), guard, { actor: `user:${user.userId}`, reason: 'deleted by the account owner' });
  return json(202, { status: 'deleted' });
});
