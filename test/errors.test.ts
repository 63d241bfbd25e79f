/** The error registry, docs/ERRORS.md and the code must agree. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERR_CODES, GRAPHQL_CODE, RET } from '../src/errors.js';

const doc = readFileSync('docs/ERRORS.md', 'utf8');

function tableRows(heading: string): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/ERRORS.md has no section ${heading}`);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ret ') && !l.startsWith('| service '))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error registry', () => {
  it('documents every ret code with its GraphQL code, and nothing else', () => {
    const rows = tableRows('Protocol status');
    expect(rows.map((r) => Number(r[0]))).toEqual(Object.keys(RET).map(Number));
    for (const [ret, code] of rows) expect(code).toBe(GRAPHQL_CODE[Number(ret) as keyof typeof GRAPHQL_CODE]);
  });

  it('documents every err_code of every service with its meaning, and nothing else', () => {
    const documented = tableRows('Business outcomes').map(([service, code, meaning]) => `${service} ${code} ${meaning}`);
    const registered = Object.entries(ERR_CODES).flatMap(([service, codes]) =>
      Object.entries(codes).map(([code, meaning]) => `${service} ${code} ${meaning}`),
    );
    expect(documented.sort()).toEqual(registered.sort());
  });

  it('raises only registered err_codes in the code', () => {
    const raised = sources('src').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new BusinessError\(\s*'([^']+)',\s*(\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const),
    );
    expect(raised.length).toBeGreaterThan(0);
    for (const [service, code] of raised) {
      expect(ERR_CODES, `${service} ${code}`).toHaveProperty([service, String(code)]);
    }
  });
});
