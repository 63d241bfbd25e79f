/**
 * Compiled execution (src/graphql/jit.ts) takes over a document from its second run: every run
 * after the first must answer exactly what the ordinary executor answered, for data, unions,
 * business errors, refusals and variable errors alike.
 */
import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { getSchema } from '../../src/graphql/schema.js';
import { useServer, type GraphQLResult } from '../support/server.js';
import { storeKinds } from '../support/stores.js';

const kinds = await storeKinds();

// Every scalar of Comment, the exposed ones and the resolved ones, read by both executors.
const COMMENT = 'id key nickname content postTime parentId level uuid';
const THREAD = `query Thread($key: String) { messages(key: $key, perpage: 5) { total items { ${COMMENT} children { ${COMMENT} children { ${COMMENT} } } } } }`;
const POST = `mutation Post($key: String, $content: String!, $parentId: Int) {
  postMessage(key: $key, content: $content, parentId: $parentId) {
    __typename
    ... on MutationPostMessageSuccess { data { id parentId content } }
    ... on BusinessError { errCode message }
  }
}`;

/** The same answer with the parts that differ between runs by design (ids, error ids) taken out. */
function comparable(res: GraphQLResult): unknown {
  return JSON.parse(JSON.stringify(res, (k, v: unknown) => (k === 'errorId' ? '<id>' : v)));
}

describe('exposed fields', () => {
  it('have no resolver, so both executors read them as properties; computed fields keep theirs', () => {
    const fields = (type: string) => {
      const t = getSchema().getType(type);
      if (!isObjectType(t)) throw new Error(`${type} is not an object type`);
      return t.getFields();
    };
    for (const name of ['id', 'nickname', 'content', 'postTime', 'parentId', 'level']) expect(fields('Comment')[name]!.resolve, `Comment.${name}`).toBeUndefined();
    // Read from columns a page may not have read: a resolver turns the failure into a field error.
    for (const name of ['key', 'uuid']) expect(fields('Comment')[name]!.resolve, `Comment.${name}`).toBeTypeOf('function');
    for (const name of ['id', 'parentId', 'values']) expect(fields('TreeNode')[name]!.resolve, `TreeNode.${name}`).toBeUndefined();
    expect(fields('Comment').children!.resolve).toBeTypeOf('function');
    expect(fields('TreeNode').value!.resolve).toBeTypeOf('function');
    expect(fields('Query').hello!.resolve).toBeTypeOf('function');
  });
});

describe.each(kinds)('compiled execution on %s', (kind) => {
  const t = useServer(kind);

  it('answers nested threads, unions and business errors as the first (uncompiled) run did', async () => {
    const key = `jit-${kind}-${Date.now()}`;
    const root = await t.graphql<{ postMessage: { data: { id: number } } }>(POST, { key, content: 'root' });
    const rootId = root.data!.postMessage.data.id;
    const child = await t.graphql<{ postMessage: { data: { id: number } } }>(POST, { key, content: 'child', parentId: rootId });
    await t.graphql(POST, { key, content: 'grandchild', parentId: child.data!.postMessage.data.id });

    const cases: Array<[string, Record<string, unknown>]> = [
      [THREAD, { key }],
      // A reply to a missing parent: a BusinessError member of the union.
      [POST.replace('mutation Post', 'mutation Missing'), { key, content: 'x', parentId: 2_000_000_000 }],
      // A variable of the wrong type: refused before execution.
      [THREAD, { key: 12 }],
      // An argument over its limit: refused by validation with the legacy ret.
      ['{ messages(perpage: 101) { total } }', {}],
      ['{ hello(name: "jit") }', {}],
    ];
    for (const [query, variables] of cases) {
      const runs = [];
      for (let i = 0; i < 4; i++) runs.push(comparable(await t.graphql(query, variables)));
      for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
    }
    const thread = (await t.graphql<{ messages: { total: number; items: Array<{ children: Array<{ children: unknown[] }> }> } }>(THREAD, { key })).data!;
    expect(thread.messages.total).toBe(1);
    expect(thread.messages.items[0]!.children[0]!.children).toHaveLength(1);
  });
});
