/**
 * Every module of the condition language loads and sets itself up (the parser skeleton, the
 * allow-lists, the limits). Imported inside a test, so that a module failing while it loads is
 * a failing test here and not only a test file that cannot start (which a mutation run's test
 * runner does not count as a failure).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const MODULES = readdirSync(new URL('../../src/where/', import.meta.url)).filter((f) => f.endsWith('.ts'));

describe('the condition language modules', () => {
  it('are all here', () => {
    expect(MODULES).toContain('index.ts');
    expect(MODULES.length).toBeGreaterThan(10);
  });

  it.each(MODULES)('%s loads', async (file) => {
    const mod: Record<string, unknown> = await import(/* @vite-ignore */ new URL(`../../src/where/${file}`, import.meta.url).href);
    expect(mod).toBeTypeOf('object');
  });

  it('parses a raw condition once loaded', async () => {
    const { parseRaw } = await import('../../src/where/index.js');
    expect(parseRaw('id = 1')).toEqual({ kind: 'compare', op: '=', left: { kind: 'column', name: 'id' }, right: { kind: 'literal', value: 1 } });
  });
});
