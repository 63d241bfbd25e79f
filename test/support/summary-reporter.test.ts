/** The closing summary line, from a real vitest run over fixture files that fail in every way. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const FIXTURES = {
  'pass.test.ts': `test('passes', () => {}); test.skip('skipped', () => {});`,
  'fail.test.ts': `test('fails', () => { throw new Error('no'); });`,
  // As the live SQL Server suite does when MSSQL_URL does not answer: it throws while loading.
  'throws.test.ts': `throw new Error('unreachable MSSQL_URL'); test('never collected', () => {});`,
  'hook.test.ts': `afterAll(() => { throw new Error('late'); }); test('passes before its hook fails', () => {});`,
};

it('counts files that fail outside their tests as failures, and names them', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'yesgraph-summary-'));
  try {
    for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(dir, name), text);
    const run = spawnSync(
      process.execPath,
      [resolve('node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--globals', '--reporter', resolve('test/support/summary-reporter.ts')],
      { encoding: 'utf8', timeout: 50_000, env: { ...process.env, CI: '', NO_COLOR: '1' } },
    );
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      'tests: 2 passed, 3 failed, 1 skipped (2 files failed outside their tests: hook.test.ts, throws.test.ts)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
