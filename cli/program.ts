/**
 * The ops CLI (`helpshelf-ops`, `npm run ops --`): engineering-only operations. Each command
 * invokes an ops Lambda function directly, authorised by the caller's IAM credentials; there is no
 * HTTP route to any of them. Against the local stage (the default) it needs no setup.
 *
 * commander parses; the commands themselves are data (cli/commands/*.ts, listed in registry.ts).
 * How to add one: cli/README.md.
 */
import { Command, CommanderError, Option } from 'commander';
import { escapeOutput, escapeValue, keyValues } from './format';
import { COMMANDS } from './registry';
import { createInvoker, readLocalState } from './transport';
import { EXIT, OpsCommandError, UsageError, type CliContext, type CommandSpec, type OptionSpec, type ParsedArgs } from './types';

export const PROGRAM_NAME = 'helpshelf-ops';

/** What the CLI touches outside itself: the stage and the terminal. Tests replace the stage. */
export interface CliDeps {
  commands: CommandSpec[];
  readLocalState: typeof readLocalState;
  createInvoker: (stage: string, local?: ReturnType<typeof readLocalState>) => CliContext['invoke'];
  stdout(text: string): void;
  stderr(text: string): void;
}

export const defaultDeps: CliDeps = {
  commands: COMMANDS,
  readLocalState,
  createInvoker,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface GlobalOptions {
  json?: boolean;
  stage: string;
}

/** commander's option for one spec entry, and how to read the spec's value back from opts(). */
function toOption(name: string, spec: OptionSpec): { option: Option; read(opts: Record<string, unknown>): string | boolean | string[] | undefined } {
  const description = spec.required ? `${spec.description} (required)` : spec.description;
  if (spec.type === 'boolean') {
    // commander reads `--no-x` as "x defaults to true"; the spec means "the flag --no-x was given".
    const option = new Option(`--${name}`, description);
    const negated = name.startsWith('no-');
    return { option, read: (opts) => (negated ? opts[option.attributeName()] === false : opts[option.attributeName()] === true) };
  }
  const option = new Option(`--${name} <${name.replace(/^.*-/, '')}>`, description);
  if (spec.type === 'multiple') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.required) option.makeOptionMandatory();
  return { option, read: (opts) => opts[option.attributeName()] as string | string[] | undefined };
}

/** Everything a command prints goes through escapeOutput (cli/format.ts): no control or bidi character reaches the terminal raw. */
function print(deps: CliDeps, command: CommandSpec, result: unknown, json: boolean): void {
  let text: string;
  if (json) text = JSON.stringify(result, null, 2);
  else if (command.format) text = command.format(result);
  else if (result && typeof result === 'object' && !Array.isArray(result)) text = keyValues(result as Record<string, unknown>);
  else text = JSON.stringify(result, null, 2);
  deps.stdout(`${escapeOutput(text)}\n`);
}

function rootHelpAfter(commands: CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    `Global options (--json, --stage NAME) work anywhere on the line. \`${PROGRAM_NAME} <command> --help\` shows a command's arguments.`,
    `Through npm: npm run --silent ops -- <command> ... (--silent keeps npm's banner out of piped output).`,
    '',
    `Exit status: ${EXIT.ok} ok, ${EXIT.failed} refused or failed, ${EXIT.usage} usage error, ${EXIT.integrity} integrity problem found (output still printed).`,
  ].join('\n');
}

/**
 * Builds the commander program. `outcome.code` is set by the command that ran; commander's own
 * exits (help, usage errors) are thrown as CommanderError (exitOverride) and mapped by runCli.
 */
export function buildProgram(deps: CliDeps, outcome: { code: number }): Command {
  const program = new Command(PROGRAM_NAME)
    .description('HelpShelf operations (engineering only; IAM-authorised).')
    .option('--json', 'print one JSON document on stdout')
    .option('--stage <name>', 'the stage to operate on', 'local')
    .exitOverride()
    .configureOutput({ writeOut: (text) => deps.stdout(escapeOutput(text)), writeErr: (text) => deps.stderr(escapeOutput(text)) })
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .helpCommand(false)
    .allowExcessArguments(false);

  const groups = new Map<string, Command>();
  for (const spec of deps.commands) {
    let parent = program;
    for (const word of spec.path.slice(0, -1)) {
      let group = groups.get(word);
      if (!group) {
        group = parent.command(word);
        groups.set(word, group);
      }
      parent = group;
    }
    const leaf = parent.command(spec.path[spec.path.length - 1]).description(`${spec.summary}${spec.localOnly && !/local stage only/i.test(spec.summary) ? ' (local stage only)' : ''}`).showHelpAfterError();
    for (const positional of spec.positionals ?? []) leaf.argument(positional.endsWith('?') ? `[${positional.slice(0, -1)}]` : `<${positional}>`);
    const options = Object.entries(spec.options ?? {}).map(([name, optionSpec]) => ({ name, ...toOption(name, optionSpec) }));
    for (const { option } of options) leaf.addOption(option);

    leaf.action(async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const opts = command.opts();
      const args: ParsedArgs = {
        positionals: command.processedArgs.filter((a): a is string => typeof a === 'string'),
        options: Object.fromEntries(options.map(({ name, read }) => [name, read(opts)])),
      };
      const json = Boolean(globals.json);
      if (spec.localOnly && globals.stage !== 'local') {
        deps.stderr(`error: ${spec.path.join(' ')} works on the local stage only.\n`);
        outcome.code = EXIT.usage;
        return;
      }
      const local = globals.stage === 'local' ? deps.readLocalState() : undefined;
      const context: CliContext = { stage: globals.stage, json, local, invoke: deps.createInvoker(globals.stage, local) };
      let result: unknown;
      try {
        result = await spec.run(context, args);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        deps.stderr(`error: ${escapeValue(error.message)}\n\n`);
        command.outputHelp({ error: true });
        outcome.code = EXIT.usage;
        return;
      }
      print(deps, spec, result, json);
      outcome.code = spec.exitCode?.(result) ?? EXIT.ok;
    });
  }
  for (const [word, group] of groups) {
    const names = group.commands.map((c) => c.name());
    group.description(`${word} ${names.join('|')}`).helpCommand(false);
  }
  // The root's help lists every command by its full path instead of the groups (the children keep
  // the configuration they copied when they were created).
  program.configureHelp({ showGlobalOptions: true, visibleCommands: () => [] }).addHelpText('after', rootHelpAfter(deps.commands));
  return program;
}

/** Runs one command line (without the node and script words); resolves to the exit status. */
export async function runCli(argv: string[], deps: CliDeps = defaultDeps): Promise<number> {
  const outcome = { code: EXIT.ok as number };
  const program = buildProgram(deps, outcome);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return outcome.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for: 0. A group named without its command (help went to stderr) or any usage error: 2.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof OpsCommandError || error instanceof Error ? error.message : String(error);
    deps.stderr(`error: ${escapeValue(message)}\n`);
    return EXIT.failed;
  }
}
