/**
 * Walks README.md as a newcomer pastes it: every shell example, in order, in one bash shell, in
 * a fresh directory, against the server `npm start` runs (from the sources, without the build,
 * on a free port instead of 8080). Fails when an example stops working or no longer prints what the README shows under
 * it (see ./walk.ts for how examples and their output are read).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSchema } from '../../src/graphql/schema.js';
import { NODE_ARGS } from '../cli/process.js';
import { matches, readReadme, SKIP } from './walk.js';
import { freePort } from '../support/ports.js';

const README = readFileSync(resolve('README.md'), 'utf8');
const readme = readReadme(README);


/** The environment of a newcomer's shell: nothing of this test run's configuration. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'YESGRAPH_SECRET_KEY', 'YESGRAPH_DEMO', 'LOG_LEVEL', 'PORT', 'HOST', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID']) {
    delete env[name];
  }
  return { ...env, NODE_ENV: 'development', ...extra };
}

describe('README.md', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let port: number;
  let serverLog = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yesgraph-readme-'));
    // The repository as a newcomer has it after `npm install`: the README's node example imports from node_modules.
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
    port = await freePort();
    server = spawn(process.execPath, [...NODE_ARGS, 'serve'], { cwd: dir, env: cleanEnv({ PORT: String(port) }) });
    server.stdout!.on('data', (b: Buffer) => (serverLog += b.toString()));
    server.stderr!.on('data', (b: Buffer) => (serverLog += b.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited: ${serverLog}`);
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`the server did not start: ${serverLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has examples to walk, and marks the set-up as not run here', () => {
    expect(readme.steps.length).toBeGreaterThan(10);
    expect(README.indexOf(SKIP)).toBeLessThan(README.indexOf('npm install && npm start'));
  });

  it('every shell example works as pasted, in order, and prints what the README shows', { timeout: 240_000 }, () => {
    const out = join(dir, '.walk');
    mkdirSync(out);
    const local = (text: string) => text.replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
    // `npm run -s yesgraph -- …` runs what that script runs, without npm's start-up time.
    const preamble = [
      'set -e -o pipefail',
      `npm() { if [ "$1 $2 $3 $4" = "run -s yesgraph --" ]; then shift 4; node ${NODE_ARGS.map((a) => `'${a}'`).join(' ')} "$@"; ` +
        `else echo "readme test: npm $* is not run here" >&2; return 1; fi; }`,
    ];
    const script = [
      ...preamble,
      ...readme.steps.flatMap((s, k) => [`echo ${k} > '${out}/current'`, '{', ...s.commands.map(local), `} > '${out}/${k}.out' 2> '${out}/${k}.err'`]),
      `echo done > '${out}/current'`,
    ].join('\n');
    writeFileSync(join(out, 'walk.sh'), script);
    const run = spawnSync('bash', [join(out, 'walk.sh')], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 220_000 });
    const reached = readFileSync(join(out, 'current'), 'utf8').trim();

    const report = (k: number, why: string) => {
      const s = readme.steps[k]!;
      const read = (ext: string) => {
        try {
          return readFileSync(join(out, `${k}.${ext}`), 'utf8');
        } catch {
          return '';
        }
      };
      return [`README.md line ${s.line}: ${why}`, ...s.commands, '--- README shows:', ...s.expected, '--- stdout:', read('out'), '--- stderr:', read('err')].join('\n');
    };
    if (reached !== 'done') {
      throw new Error(report(Number(reached), `the example failed (bash exit ${run.status})${run.stderr ? `: ${run.stderr}` : ''}`));
    }
    readme.steps.forEach((s, k) => {
      if (s.expected.length === 0) return;
      const actual = readFileSync(join(out, `${k}.out`), 'utf8');
      if (!matches(s.expected.map(local), actual)) throw new Error(report(k, 'the output is not what the README shows'));
    });
  });

  it('every GraphQL example is valid against the schema', () => {
    const schema = getSchema();
    expect(readme.graphql.length).toBeGreaterThan(0);
    for (const g of readme.graphql) {
      expect(validate(schema, parse(g.text)).map((e) => `README.md line ${g.line}: ${e.message}`)).toEqual([]);
    }
  });
});
