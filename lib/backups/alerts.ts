import { logger } from '../platform/logger';
import type { BackupsDeps } from './types';

/** Mail to the ops address. A mail failure is logged and does not undo what was recorded. */
export async function sendAlert(deps: Pick<BackupsDeps, 'mailer' | 'opsEmail' | 'stage'>, subject: string, lines: string[]): Promise<void> {
  try {
    await deps.mailer.send({ to: deps.opsEmail, subject: `[HelpShelf ${deps.stage}] ${subject}`, text: `${lines.join('\n')}\n` });
    logger.warn('backups alert sent', { subject });
  } catch (error) {
    logger.error('backups alert could not be sent', { subject, error: (error as Error).name });
  }
}
