/** Runs the CLI as a user does, in a new process: what `npm run yesgraph --` runs (tsx src/main.ts). */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLogger } from '../../src/logger.js';
import { startRuntime } from '../../src/runtime.js';
import { testConfig } from '../support/server.js';

/** Node's arguments before the CLI's: TypeScript through tsx's loader, in one process, from any directory. */
export const NODE_ARGS = ['--import', pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href, resolve('src/main.ts')];
export const CLI_KEY = 'cli-test-secret-key-0123';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One CLI run; YESGRAPH_SECRET_KEY is CLI_KEY unless `env` says otherwise. */
export function cli(args: string[], env: Record<string, string>, cwd = process.cwd()): CliRun {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    cwd,
    env: { ...process.env, YESGRAPH_SECRET_KEY: CLI_KEY, LOG_LEVEL: 'silent', NODE_ENV: 'development', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the server's first start does: creates and migrates the main store. */
export async function firstStart(url: string, secretKey = CLI_KEY): Promise<void> {
  const rt = await startRuntime(testConfig(url, { secretKey }), silentLogger);
  await rt.close();
}
