import type { MigrationOutcome, MigrationPage } from '../../lib/identity/credential-migration';
import { escapeOutput, keyValues } from '../format';
import type { CommandSpec } from '../types';

const progress = (line: string) => process.stderr.write(`${escapeOutput(line)}\n`);

interface MigrationRun {
  pages: number;
  scanned: number;
  outcomes: Record<MigrationOutcome, number>;
  leftAlone: MigrationPage['leftAlone'];
  /** Set when the run stopped before the end of the table (--max-pages): resume with --from. */
  resumeFrom: string | null;
}

/**
 * Account maintenance. `accounts migrate-credentials` runs the one-off migration of legacy
 * credentials page by page (each page one invocation of the ops function, audited with the
 * reason), printing progress and the cursor to resume from on stderr.
 */
export const accountCommands: CommandSpec[] = [
  {
    path: ['accounts', 'migrate-credentials'],
    summary:
      'One-off: moves the password hash of accounts created before the credential item held it onto their credential (never over a newer one); needs --reason with a ticket or incident reference; each page is audited; idempotent and resumable (--from)',
    options: {
      reason: { type: 'string', required: true, description: 'why: a ticket or incident reference, e.g. "OPS-12 credential migration"' },
      from: { type: 'string', description: 'resume at this cursor (printed on stderr after every page)' },
      'page-size': { type: 'string', description: 'items of the accounts table read per page, 1–1000 (default 200)' },
      'max-pages': { type: 'string', description: 'stop after this many pages (default: to the end of the table)' },
    },
    async run(context, args) {
      const maxPages = args.options['max-pages'] === undefined ? Number.POSITIVE_INFINITY : Number(args.options['max-pages']);
      let from = typeof args.options.from === 'string' ? args.options.from : undefined;
      const run: MigrationRun = {
        pages: 0,
        scanned: 0,
        outcomes: { migrated: 0, stale_copy_removed: 0, no_lock: 0, other_owner: 0, changed_meanwhile: 0 },
        leftAlone: [],
        resumeFrom: null,
      };
      for (;;) {
        const page = (await context.invoke('opsAccountsMigration', 'migrate-credentials', { reason: args.options.reason, from, pageSize: args.options['page-size'] })) as MigrationPage;
        run.pages += 1;
        run.scanned += page.scanned;
        for (const [outcome, count] of Object.entries(page.outcomes)) run.outcomes[outcome as MigrationOutcome] += count;
        run.leftAlone.push(...page.leftAlone);
        progress(
          `page ${run.pages}: ${run.scanned} items read, ${run.outcomes.migrated} migrated, ${run.outcomes.stale_copy_removed} stale copies removed, ${run.leftAlone.length} left alone` +
            (page.nextCursor ? ` (resume with --from ${page.nextCursor})` : ', end of table'),
        );
        if (!page.nextCursor) break;
        from = page.nextCursor;
        if (run.pages >= maxPages) {
          run.resumeFrom = page.nextCursor;
          break;
        }
      }
      return run;
    },
    format(result) {
      const r = result as MigrationRun;
      const lines = [keyValues({ pages: r.pages, itemsRead: r.scanned, ...r.outcomes })];
      if (r.leftAlone.length) lines.push('', 'Left alone (no credential item, or one of another account):', ...r.leftAlone.map((a) => `  ${a.userId}  ${a.outcome}`));
      lines.push('', r.resumeFrom ? `Stopped early: resume with --from ${r.resumeFrom}` : 'Done: the whole table was read. Running it again changes nothing.');
      return lines.join('\n');
    },
  },
];
