/** GraphQL refusals before execution: introspection off in production, depth and aliases with code and ret. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { BASE, useServer } from '../support/server.js';

const INTROSPECT = JSON.stringify({ query: '{ __schema { queryType { name } } }' });

describe('GraphQL validation policy', () => {
  const open = useServer('sqlite');
  const closed = useServer('sqlite', { graphqlIntrospection: false });

  async function post(t: typeof open, body: string) {
    const res = await t.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    return (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  }

  it('is off by default in production and on in development, unless configured', () => {
    const env = { YESGRAPH_SECRET_KEY: 'k'.repeat(32), DATABASE_URL: 'sqlite::memory:' };
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ ...env, NODE_ENV: 'production', YESGRAPH_GRAPHQL_INTROSPECTION: '1' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ ...env, NODE_ENV: 'development' }).graphqlIntrospection).toBe(true);
  });

  it('answers introspection without an app key only where it is on', async () => {
    expect(await post(open, INTROSPECT)).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const refused = await post(closed, INTROSPECT);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.message).toMatch(/introspection/i);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
    // Signed callers do not get it either.
    const signed = await closed.graphql('{ __type(name: "Query") { name } }');
    expect(signed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
  });

  it('refuses too deep and too aliased documents with code and ret', async () => {
    const deep = await open.graphql(`{ messages { items { ${'children { '.repeat(14)}id${' }'.repeat(14)} } } }`);
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
    const aliases = await open.graphql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: hello`).join(' ')} }`);
    expect(aliases.errors?.[0]?.message).toMatch(/alias/i);
    expect(aliases.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
  });
});

describe('GraphQL documents too large to parse', () => {
  const t = useServer('sqlite');

  it('refuses 20,000 nested selection sets and a flood of tokens as a 400, not a crash', async () => {
    for (const query of [`{ hello ${'{a'.repeat(20_000)}${'}'.repeat(20_000)} }`, `{ ${'hello '.repeat(1_500)}}`]) {
      const res = await t.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }));
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.message).toMatch(/Token limit/);
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
    }
  });
});
