/**
 * Every command explains itself with --help, from the one definition that also parses its
 * arguments. In-process (`main` is what src/main.ts runs): help opens no store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from '../../src/cli.js';

let stdout = '';
let stderr = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('yesgraph --help', () => {
  it('lists every command with its summary, on stdout', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n').map((l) => l.replace(/^ {2}(\S+(?: \S+)?) +/, '$1 | '));
    for (const c of COMMANDS) expect(lines).toContain(`${c.name} | ${c.summary}`);
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'serve',
      'print-schema',
      'app create',
      'app import',
      'app list',
      'app show',
      'app set',
      'app rotate-secret',
      'app remove',
      'app trust',
      'db add',
      'db list',
      'db remove',
      'table create',
      'table list',
      'table set-check-code',
      'member set-role',
      'log tail',
      'log stats',
      'sign',
    ]);
  });

  it('lists a group\'s commands only', async () => {
    expect(await main(['db', '--help'])).toBe(0);
    expect(stdout.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      '  db add     register a database of an app under a db_mark, once it answers',
      '  db list    list registered databases with the app each belongs to, passwords as ***',
      "  db remove  remove an app's database registration (the database itself is not touched)",
    ]);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s --help shows its usage and every option', async (name, command) => {
    expect(await main([...name.split(' '), '--help'])).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`^usage: yesgraph ${name}( |$)`));
    for (const option of Object.keys(command.options)) expect(stdout).toContain(`\n  --${option}`);
    expect(stdout).toContain('\n  -h, --help');
  });

  it('shows one command in full', async () => {
    expect(await main(['app', 'import', '-h'])).toBe(0);
    expect(stdout).toBe(
      [
        'usage: yesgraph app import --key APP_KEY --secret APP_SECRET [--name NAME] [--sign dynamic|static|off] [--static-sign SIGN] [--json]',
        '',
        'bring an app over from the platform, keeping its keys so deployed clients keep working',
        'Give the sign mode the app had on the platform (and its static sign for static).',
        '',
        'options:',
        '  --key APP_KEY              the app_key as the platform issued it (32 letters or digits)',
        '  --secret APP_SECRET        its app_secret',
        '  --name NAME                a name for people (default empty)',
        "  --sign dynamic|static|off  how callers sign: dynamic (default, the SDKs' md5), static (a fixed string per app), off (no check: trusted networks only)",
        '  --static-sign SIGN         the fixed sign of a static app (implies --sign static)',
        '  --json                     print one JSON object',
        '  -h, --help                 this help',
        '',
      ].join('\n'),
    );
  });

  it('answers a mistake with the command\'s usage on stderr, exit 2, before opening any store', async () => {
    expect(await main(['db', 'add', 'db_x'])).toBe(2);
    expect(stderr).toBe('yesgraph: missing <url>\nusage: yesgraph db add <db_mark> <url> [--app APP_KEY] [--table-prefix PREFIX] [--json]\n');
    stderr = '';
    expect(await main(['app', 'create', '--colour', 'red'])).toBe(2);
    expect(stderr).toBe(
      "yesgraph: Unknown option '--colour'\nusage: yesgraph app create [--name NAME] [--sign dynamic|static|off] [--json] [--env]\n",
    );
    stderr = '';
    expect(await main(['app', 'import', '--key', 'K'])).toBe(2);
    expect(stderr.split('\n')[0]).toBe('yesgraph: --secret is required');
    stderr = '';
    expect(await main(['app', 'frobnicate'])).toBe(2);
    expect(stderr.split('\n')[0]).toBe('yesgraph: unknown app command frobnicate');
    expect(stdout).toBe('');
  });
});
