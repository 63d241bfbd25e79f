/**
 * A CLI command is defined once: its name, arguments, options and summary drive both the
 * argument parser and every help text (`yesgraph --help`, `yesgraph app --help`,
 * `yesgraph app create --help`), so usage cannot drift from what is accepted.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in usage, e.g. `N` or `dynamic|static|off`. */
  readonly value?: string;
  readonly description: string;
  readonly required?: boolean;
}

export type Values<O> = {
  readonly [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { type: 'string' } ? string : string | boolean;
};

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** Words after `yesgraph`, e.g. `app create`. */
  readonly name: string;
  /** Positional arguments, e.g. `<db_mark> <url>`; a trailing `…` takes any number. */
  readonly args?: string;
  readonly summary: string;
  /** More lines for this command's own --help. */
  readonly details?: string;
  readonly options: O;
  run(values: Values<O>, positionals: string[]): Promise<number>;
}

export function defineCommand<const O extends Record<string, OptionSpec>>(command: Command<O>): Command {
  return command as unknown as Command;
}

/** A mistake in the command line: answered with the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

const HELP = { type: 'boolean', description: 'this help' } as const;

function positionalNames(command: Command): string[] {
  return command.args ? command.args.split(' ') : [];
}

/** Parses `args` for `command`, checking required options and the number of positionals. */
export function parseCommandLine(command: Command, args: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(Object.entries(command.options).map(([name, o]) => [name, { type: o.type }])),
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, ''), command);
  }
  for (const [name, o] of Object.entries(command.options)) {
    if (o.required && parsed.values[name] === undefined) throw new UsageError(`--${name} is required`, command);
  }
  const names = positionalNames(command);
  const variadic = names.at(-1)?.endsWith('…') ?? false;
  const needed = names.filter((n) => n.startsWith('<')).length;
  if (parsed.positionals.length < needed) throw new UsageError(`missing ${names.slice(parsed.positionals.length).join(' ')}`, command);
  if (!variadic && parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${parsed.positionals[names.length]}`, command);
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

function optionUsage(name: string, o: OptionSpec): string {
  const text = o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? 'VALUE'}`;
  return o.required ? text : `[${text}]`;
}

export function synopsis(command: Command): string {
  const options = Object.entries(command.options).map(([name, o]) => optionUsage(name, o));
  return ['yesgraph', command.name, command.args, ...options].filter(Boolean).join(' ');
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

/** `yesgraph app create --help`. */
export function commandHelp(command: Command): string {
  const options: Array<[string, string]> = Object.entries(command.options).map(([name, o]) => [
    o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? 'VALUE'}`,
    o.description,
  ]);
  options.push(['-h, --help', HELP.description]);
  return [`usage: ${synopsis(command)}`, '', command.summary, ...(command.details ? [command.details] : []), '', 'options:', ...table(options)].join('\n');
}

/** `yesgraph --help` (prefix '') or `yesgraph app --help` (prefix 'app'). */
export function listHelp(commands: readonly Command[], prefix: string, footer: string): string {
  const shown = commands.filter((c) => prefix === '' || c.name.startsWith(`${prefix} `));
  return [
    `usage: yesgraph ${prefix ? `${prefix} ` : ''}<command> [options]`,
    '',
    ...table(shown.map((c) => [c.name, c.summary])),
    '',
    `yesgraph ${prefix ? `${prefix} ` : ''}<command> --help shows a command's options.`,
    ...(footer ? [footer] : []),
  ].join('\n');
}
