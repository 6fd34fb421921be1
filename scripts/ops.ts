/**
 * `npm run ops -- <command> [--json] [--stage NAME]`: engineering-only operations. Each command
 * invokes an ops Lambda function directly, authorised by the caller's IAM credentials; there is no
 * HTTP route to any of them. Against the local stage (the default) it needs no setup.
 */
import { parseArgs } from 'node:util';
import { COMMANDS } from './ops/registry';
import { createInvoker, readLocalState } from './ops/transport';
import { OpsCommandError, UsageError, type CommandSpec, type OptionSpec, type ParsedArgs } from './ops/types';
import { keyValues } from './ops/format';

// The SDK's notice that it will need Node 22 from 2027 would make every error more than one line
// on the development machines' Node 20 (Lambda runs Node 22). Read when a client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GLOBAL_OPTIONS = {
  json: { type: 'boolean', description: 'print one JSON document to stdout' },
  stage: { type: 'string', description: 'the stage to operate on (default: local)' },
  help: { type: 'boolean', description: 'show help' },
} as const;

function usageLine(command: CommandSpec): string {
  const positionals = (command.positionals ?? []).map((p) => (p.endsWith('?') ? `[${p.slice(0, -1).toUpperCase()}]` : p.toUpperCase()));
  const options = Object.entries(command.options ?? {}).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? `--${name}` : `--${name} ${name.toUpperCase()}`;
    const shown = spec.type === 'multiple' ? `${value}...` : value;
    return spec.required ? shown : `[${shown}]`;
  });
  return ['npm run ops --', ...command.path, ...positionals, ...options, '[--json]', '[--stage NAME]'].join(' ');
}

function commandHelp(command: CommandSpec): string {
  const lines = [`${command.summary}${command.localOnly ? ' (local stage only)' : ''}`, '', `Usage: ${usageLine(command)}`];
  const options = { ...(command.options ?? {}), ...GLOBAL_OPTIONS };
  lines.push('', 'Options:');
  for (const [name, spec] of Object.entries(options)) lines.push(`  --${name.padEnd(12)} ${spec.description}${'required' in spec && spec.required ? ' (required)' : ''}`);
  return lines.join('\n');
}

function generalHelp(filter?: string): string {
  const commands = COMMANDS.filter((c) => !filter || c.path[0] === filter);
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'HelpShelf operations (engineering only; IAM-authorised).',
    '',
    'Usage: npm run ops -- <command> [arguments] [--json] [--stage NAME]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Run `npm run ops -- <command> --help` for a command\'s arguments.',
  ].join('\n');
}

/** The command named by the leading words of argv, and argv without those words. */
function findCommand(argv: string[]): { command: CommandSpec; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const matches = COMMANDS.filter((c) => c.path.every((p, i) => words[i] === p)).sort((a, b) => b.path.length - a.path.length);
  if (!matches[0]) return undefined;
  const rest = [...argv];
  for (const word of matches[0].path) rest.splice(rest.indexOf(word), 1);
  return { command: matches[0], rest };
}

function parse(command: CommandSpec, argv: string[]): ParsedArgs & { json: boolean; stage: string; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...(command.options ?? {}), ...GLOBAL_OPTIONS } as Record<string, OptionSpec>)) {
    options[name] = spec.type === 'boolean' ? { type: 'boolean' } : spec.type === 'multiple' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = Boolean(values.help);
  if (!help) {
    const expected = command.positionals ?? [];
    const required = expected.filter((p) => !p.endsWith('?')).length;
    if (parsed.positionals.length < required) throw new UsageError(`Missing ${expected[parsed.positionals.length].replace('?', '').toUpperCase()}.`);
    if (parsed.positionals.length > expected.length) throw new UsageError(`Unexpected argument "${parsed.positionals[expected.length]}".`);
    for (const [name, spec] of Object.entries(command.options ?? {})) {
      if (spec.required && (values[name] === undefined || values[name] === '')) throw new UsageError(`--${name} is required.`);
    }
  }
  return {
    positionals: parsed.positionals,
    options: values,
    json: Boolean(values.json),
    stage: typeof values.stage === 'string' ? values.stage : 'local',
    help,
  };
}

function print(command: CommandSpec, result: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (command.format) process.stdout.write(`${command.format(result)}\n`);
  else if (result && typeof result === 'object' && !Array.isArray(result)) process.stdout.write(`${keyValues(result as Record<string, unknown>)}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const found = findCommand(argv);
  if (!found) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h');
    const group = COMMANDS.some((c) => c.path[0] === argv[0]) ? argv[0] : undefined;
    if (wantsHelp || group) {
      process[wantsHelp ? 'stdout' : 'stderr'].write(`${generalHelp(group)}\n`);
      return wantsHelp ? 0 : 2;
    }
    process.stderr.write(`error: unknown command "${words.join(' ')}". Run \`npm run ops -- --help\` for the list.\n`);
    return 2;
  }
  const { command, rest } = found;
  let args;
  try {
    args = parse(command, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${commandHelp(command)}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  if (command.localOnly && args.stage !== 'local') {
    process.stderr.write(`error: ${command.path.join(' ')} works on the local stage only.\n`);
    return 2;
  }
  const local = args.stage === 'local' ? readLocalState() : undefined;
  const invoke = createInvoker(args.stage, local);
  const result = await command.run({ stage: args.stage, json: args.json, local, invoke }, args);
  print(command, result, args.json);
  return command.exitCode?.(result) ?? 0;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof OpsCommandError || error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
    } else {
      process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    }
    process.exit(1);
  });
