import * as z from 'zod/mini';
import { REASON_MAX_LENGTH, requireAccessReason } from '../lib/access/reason';
import { audit } from '../lib/audit';
import { credentialMigration } from '../lib/identity/credential-migration';
import { optionalText, wholeNumber } from '../lib/ops/args';
import { action, opsHandler } from '../lib/ops/handler';
import { requireEnv } from '../lib/platform/config';

const migration = credentialMigration(requireEnv('ACCOUNTS_TABLE'));

/**
 * `accounts migrate-credentials --reason TEXT [--from CURSOR] [--page-size N]`: one page of the
 * one-off credential migration (lib/identity/credential-migration.ts) per call; the CLI calls
 * page after page. It reads and writes password hashes, so it needs a ticket or incident reference
 * (the `customers show` rule), and each page is audited before anything is read.
 */
export const handler = opsHandler({
  'migrate-credentials': action(
    z.object({ reason: optionalText(REASON_MAX_LENGTH * 2), from: optionalText(4096), pageSize: wholeNumber(1, 1000, 200) }),
    async ({ reason: given, from, pageSize }, ctx) => {
      const reason = requireAccessReason(given);
      await audit({ actor: ctx.actor.id, action: 'accounts.migrate-credentials', subject: 'accounts', reason, details: { from: from ?? null, pageSize } });
      return migration.migratePage({ from, pageSize });
    },
  ),
});
