import { audit } from '../audit';
import { requireEnv } from '../platform/config';
import { sesMailer } from '../platform/mailer';
import { nowEpochMillis } from '../platform/time';
import type { Actor } from '../ops/types';
import { accessStore } from './access-store';
import type { Engineer, GrantDeps } from './grants';

let deps: GrantDeps | undefined;
export { accessStore };

/** Grants on this stage: the access table, the audit chain, SES to the security team. */
export function grantDeps(): GrantDeps {
  deps ??= {
    store: accessStore(),
    audit: (event, alongside) => audit(event, alongside),
    mailer: sesMailer(),
    securityTeamEmail: requireEnv('SECURITY_TEAM_EMAIL'),
    now: nowEpochMillis,
    stage: requireEnv('STAGE'),
  };
  return deps;
}

/** The engineer an ops invocation's verified actor is. */
export function engineerOf(actor: Actor): Engineer {
  return { actorId: actor.id, name: actor.engineer, role: actor.role };
}
