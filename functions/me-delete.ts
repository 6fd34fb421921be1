import { httpRoute } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { deleteAccount } from '../lib/data-rights/erasure';
import { erasureDeps, identityTables } from '../lib/data-rights/runtime';
import { deleteMyAccountRoute } from '../lib/data-rights/schemas';
import { argon2Hasher } from '../lib/identity/argon2-runtime';
import { authenticateWithProfile } from '../lib/identity/authenticate';
import { confirmWithPassword, subjectOf } from '../lib/identity/data-rights';
import { requireSession } from '../lib/data-rights/session';

/** DELETE /v1/me: the owner deletes the account (docs/data-rights.md). */
export const handler = httpRoute(deleteMyAccountRoute, { authenticate: (r) => authenticateWithProfile(r, true) }, async (request) => {
  const auth = requireSession(request.auth);
  const user = auth.user!;
  const guard = await confirmWithPassword(identityTables, argon2Hasher(), user, request.input.body.password);
  await deleteAccount(erasureDeps(), subjectOf(user), guard, { actor: `user:${user.userId}`, reason: 'deleted by the account owner' });
  return json(202, { status: 'deleted' });
});
