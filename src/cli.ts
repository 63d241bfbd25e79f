/**
 * The yesgraph command line (also the package's `bin`). Its commands, with their arguments,
 * options and help, are defined once in src/cli/: `yesgraph --help` lists them.
 */
import { appCommands } from './cli/app.js';
import { commandHelp, listHelp, parseCommandLine, synopsis, UsageError, type Command } from './cli/command.js';
import { dbCommands } from './cli/db.js';
import { serverCommands } from './cli/server.js';
import { signCommand } from './cli/sign.js';
import { tableCommands } from './cli/table.js';
import { memberCommands } from './cli/member.js';
import { logCommands } from './cli/log.js';
import { trustCommand } from './cli/trust.js';

export const COMMANDS: readonly Command[] = [...serverCommands, ...appCommands, trustCommand, ...dbCommands, ...tableCommands, ...memberCommands, ...logCommands, signCommand];

const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));

const FOOTER =
  'Commands that open the main store read DATABASE_URL and YESGRAPH_SECRET_KEY: give them the values the server runs with.';

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help';
}

/** The command `argv` names, and the arguments after its name. */
function find(argv: string[]): { command?: Command; group?: string; args: string[] } {
  const [first, second] = argv;
  if (first && GROUPS.has(first)) {
    const command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    return command ? { command, args: argv.slice(2) } : { group: first, args: argv.slice(1) };
  }
  const command = COMMANDS.find((c) => c.name === first);
  return { command, args: argv.slice(1) };
}

export async function main(argv: string[]): Promise<number> {
  const { command, group, args } = find(argv);
  try {
    if (!command) {
      const usage = listHelp(COMMANDS, group ?? '', group ? '' : FOOTER);
      if (isHelp(args[0]) || (!group && isHelp(argv[0]))) {
        process.stdout.write(usage + '\n');
        return 0;
      }
      const what = group ? `${group} command ${args[0] ?? ''}` : `command ${argv[0] ?? ''}`;
      process.stderr.write(`${argv.length ? `yesgraph: unknown ${what.trim()}\n` : ''}${usage}\n`);
      return 2;
    }
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    const { values, positionals } = parseCommandLine(command, args);
    return await command.run(values, positionals);
  } catch (err) {
    if (err instanceof UsageError) {
      const usage = synopsis(err.command ?? command!);
      process.stderr.write(`yesgraph: ${err.message}\nusage: ${usage}\n`);
    } else process.stderr.write(`yesgraph: ${(err as Error).message}\n`);
    return 2;
  }
}
