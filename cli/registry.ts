import { accessCommands } from './commands/access';
import { accountCommands } from './commands/accounts';
import { backupsCommands } from './commands/backups';
import { connectionCommands } from './commands/connections';
import { customerCommands } from './commands/customers';
import { incidentCommands } from './commands/incidents';
import { mailCommands } from './commands/mail';
import type { CommandSpec } from './types';

/** Every ops CLI command. Each capability adds its own list from cli/commands/ (cli/README.md). */
export const COMMANDS: CommandSpec[] = [...mailCommands, ...accessCommands, ...customerCommands, ...accountCommands, ...backupsCommands, ...incidentCommands, ...connectionCommands];
