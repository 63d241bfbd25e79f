/**
 * App.Market_Message.Show and GraphQL `messages` over each available main store: the seed's
 * answer, order and paging, extra columns, both faces alike, round trips per level, bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { bigThread, insertComments, SEED_ANSWER, SEED_ROWS } from './fixtures.js';
import { asLegacy, childBatches, show, THREAD, warmCount, type GqlComment, type LegacyItem, type ThreadResult } from './support.js';

const kinds = await storeKinds();

const SEED_KEY = '文章1';
const BIG_KEY = 'big';
const BIG = bigThread(60, 1000);

describe.each(kinds)('App.Market_Message.Show on %s', (kind) => {
  const t = useServer(kind);

  beforeAll(async () => {
    await insertComments(t.rt.main, t.app.id, SEED_KEY, SEED_ROWS);
    await insertComments(t.rt.main, t.app.id, BIG_KEY, BIG);
  });

  const thread = (vars: Record<string, unknown>) => t.graphql<ThreadResult>(THREAD, vars);

  it('answers the seed’s example thread exactly, key order included', async () => {
    const env = await show(t, { message_key: SEED_KEY });
    expect(env.ret).toBe(200);
    expect(env.msg).toBe('当前请求接口：App.Market_Message.Show');
    expect(JSON.stringify(env.data)).toBe(JSON.stringify(SEED_ANSWER));
  });

  it('answers newest first at every level with order=2', async () => {
    const env = await show(t, { message_key: SEED_KEY, order: 2 });
    const items = env.data.items as LegacyItem[];
    expect(items.map((i) => i.id)).toEqual([10, 9, 8]);
    expect(items[1]!.child!.map((i) => i.id)).toEqual([12, 11]);
    expect(items[1]!.child![1]!.child!.map((i) => i.id)).toEqual([14, 13]);
    expect(items[1]!.child![1]!.child![0]).not.toHaveProperty('child');
  });

  it('pages the top level; total counts top-level comments of the key only', async () => {
    const second = await show(t, { message_key: SEED_KEY, page: 2, perpage: 2 });
    expect(second.data.total).toBe(3);
    expect((second.data.items as LegacyItem[]).map((i) => i.id)).toEqual([10]);
    const past = await show(t, { message_key: SEED_KEY, page: 3, perpage: 2 });
    expect(past.data).toEqual({ err_code: 0, err_msg: '', total: 3, items: [] });
    const none = await show(t, { message_key: 'no such key' });
    expect(none.data).toEqual({ err_code: 0, err_msg: '', total: 0, items: [] });
  });

  it('answers every key when message_key is absent, 10 per page by default', async () => {
    const env = await show(t);
    expect(env.data.total).toBe(3 + 60);
    expect((env.data.items as LegacyItem[]).map((i) => i.id)).toEqual([8, 9, 10, 1000, 1001, 1002, 1003, 1004, 1005, 1006]);
  });

  it('matches message_key exactly: case, width and spaces count', async () => {
    for (const key of ['文章１', 'x文章1', `${SEED_KEY} `, 'BIG', 'Big', `${BIG_KEY} `, ` ${BIG_KEY}`]) {
      expect((await show(t, { message_key: key })).data.total, key).toBe(0);
    }
  });

  it('answers more_select columns before child, on every level, and ignores repeats', async () => {
    const env = await show(t, { message_key: SEED_KEY, more_select: 'uuid,add_time,id,message_key', perpage: 2, page: 1 });
    const items = env.data.items as LegacyItem[];
    expect(Object.keys(items[0]!)).toEqual(['id', 'message_nickname', 'message_content', 'message_post_time', 'message_pid', 'uuid', 'add_time', 'message_key', 'child']);
    expect(items[1]!.child![0]!.child![0]).toEqual({
      id: 13,
      message_nickname: 'dogstar',
      message_content: 'test',
      message_post_time: '2018-12-02 11:22:00',
      message_pid: 11,
      uuid: '',
      add_time: '2018-12-02 11:22:00',
      message_key: SEED_KEY,
    });
  });

  it('gives both faces the same thread in both orders', async () => {
    for (const [order, legacyOrder] of [
      ['OLDEST_FIRST', 1],
      ['NEWEST_FIRST', 2],
    ] as const) {
      for (const key of [SEED_KEY, BIG_KEY]) {
        const legacy = await show(t, { message_key: key, order: legacyOrder, perpage: 7, page: 2 });
        const gql = await thread({ key, order, perpage: 7, page: 2 });
        expect(gql.errors).toBeUndefined();
        expect(gql.data!.messages.total).toBe(legacy.data.total);
        expect(JSON.stringify(gql.data!.messages.items.map(asLegacy))).toBe(JSON.stringify(legacy.data.items));
      }
    }
  });

  it('gives GraphQL the seed thread with levels, uuid, and no replies under level 3', async () => {
    const res = await thread({ key: SEED_KEY });
    const nine = res.data!.messages.items[1]!;
    expect(nine).toMatchObject({ id: 9, level: 1, parentId: 0, uuid: '' });
    const eleven = nine.children[0]!;
    expect(eleven).toMatchObject({ id: 11, level: 2, parentId: 9 });
    expect(eleven.children).toEqual([
      { id: 13, nickname: 'dogstar', content: 'test', postTime: '2018-12-02 11:22:00', parentId: 11, level: 3, uuid: '', children: [] },
      { id: 14, nickname: 'dogstar', content: 'test', postTime: '2018-12-02 11:35:13', parentId: 11, level: 3, uuid: '', children: [] },
    ]);
  });

  describe('round trips', () => {
    const legacyStatements = async (perpage: number) =>
      (await warmCount(t.rt.main, () => show(t, { message_key: BIG_KEY, perpage }))).statements;
    const graphqlStatements = async (perpage: number) =>
      (await warmCount(t.rt.main, () => thread({ key: BIG_KEY, perpage }))).statements;

    it('are 4 for a three-level page on the legacy face, whatever perpage is', async () => {
      const five = await legacyStatements(5);
      const fifty = await legacyStatements(50);
      expect(five).toHaveLength(4);
      expect(fifty).toHaveLength(4);
      for (const s of [...five, ...fifty]) expect(s).toContain('okayapi_message');
    });

    it('are 4 on the GraphQL face too, even when the client nests children under level 3', async () => {
      const five = await graphqlStatements(5);
      const fifty = await graphqlStatements(50);
      expect(five).toHaveLength(4);
      expect(fifty).toHaveLength(4);
      const { result } = await warmCount(t.rt.main, () => thread({ key: BIG_KEY, perpage: 50 }));
      const items = result.data!.messages.items;
      expect(items).toHaveLength(50);
      expect(items.flatMap((i) => i.children.flatMap((c) => c.children))).toHaveLength(200);
    });

    it('read only the columns answered: more_select’s on the legacy face, every column on GraphQL only when `extra` is selected', async () => {
      const selects = (statements: string[]) => statements.filter((s) => /message_pid IN|LIMIT/.test(s));
      const legacy = await warmCount(t.rt.main, () => show(t, { message_key: BIG_KEY, perpage: 3, more_select: 'add_time' }));
      expect(selects(legacy.statements)).toHaveLength(3);
      for (const s of selects(legacy.statements)) {
        expect(s).toContain('add_time');
        expect(s).not.toMatch(/update_time|ext_data/);
      }
      const first = (legacy.result.data as { items: LegacyItem[] }).items[0];
      expect(first).toHaveProperty('add_time');
      expect(first).not.toHaveProperty('update_time');

      const plain = await warmCount(t.rt.main, () => thread({ key: BIG_KEY, perpage: 3 }));
      for (const s of selects(plain.statements)) expect(s).not.toMatch(/add_time|update_time|ext_data/);

      // `extra` in a fragment three levels down: still one statement per level, none per comment
      // (counted on the document's second run, which graphql-jit executes with its own resolve info).
      const withExtra = await warmCount(t.rt.main, () =>
        t.graphql<{ messages: { items: Array<{ children: Array<{ children: Array<{ at: string }> }> }> } }>(
          `fragment Leaf on Comment { at: extra(column: "update_time") }
           { messages(key: "${BIG_KEY}", perpage: 3) { items { id children { id children { ...Leaf } } } } }`,
        ),
      );
      expect(withExtra.statements).toHaveLength(3);
      for (const s of selects(withExtra.statements)) expect(s).toMatch(/update_time/);
      expect(withExtra.result.data!.messages.items[0]!.children[0]!.children[0]!.at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    });

    it('read uuid and message_key only where they are answered: not for the legacy Show, and on GraphQL only when `uuid` or `key` is selected', async () => {
      const selected = (statements: string[]) => statements.filter((s) => /message_pid IN|LIMIT/.test(s)).map((s) => s.slice(s.indexOf('SELECT'), s.indexOf(' FROM ')));
      const legacy = await warmCount(t.rt.main, () => show(t, { message_key: BIG_KEY, perpage: 3 }));
      expect(selected(legacy.statements)).toHaveLength(3);
      for (const s of selected(legacy.statements)) expect(s).not.toMatch(/uuid|message_key/);

      const neither = await warmCount(t.rt.main, () => t.graphql(`{ messages(key: "${BIG_KEY}", perpage: 3) { items { id children { id children { id } } } } }`));
      expect(selected(neither.statements)).toHaveLength(3);
      for (const s of selected(neither.statements)) expect(s).not.toMatch(/uuid|message_key/);

      // `key` under an alias in a fragment on the deepest level: every level's read names the column (the loader is per column set).
      type Leaf = { k: string };
      const keyed = await warmCount(t.rt.main, () =>
        t.graphql<{ messages: { items: Array<{ children: Array<{ children: Leaf[] }> }> } }>(
          `fragment K on Comment { k: key }
           { messages(key: "${BIG_KEY}", perpage: 3) { items { id children { id children { ...K } } } } }`,
        ),
      );
      for (const s of selected(keyed.statements)) {
        expect(s).toMatch(/message_key/);
        expect(s).not.toMatch(/uuid/);
      }
      expect(selected(keyed.statements)).toHaveLength(3);
      expect(keyed.result.data!.messages.items[0]!.children[0]!.children[0]!.k).toBe(BIG_KEY);
    });

    it('read with a GraphQL page only the levels of replies its query nests, through aliases and fragments', async () => {
      type Node = { id: number; children?: Node[]; a?: Node[]; b?: Node[] };
      const full = await thread({ key: BIG_KEY, perpage: 3 });
      const items = full.data!.messages.items;
      const oneLevel = await warmCount(t.rt.main, () =>
        t.graphql<{ messages: { items: Node[] } }>(`{ messages(key: "${BIG_KEY}", perpage: 3) { items { id children { id } } } }`),
      );
      expect(oneLevel.statements).toHaveLength(2);
      expect(oneLevel.result.data!.messages.items.map((i) => i.children!.map((c) => c.id))).toEqual(items.map((i) => i.children.map((c) => c.id)));
      const twoLevels = await warmCount(t.rt.main, () =>
        t.graphql<{ messages: { items: Node[] } }>(
          `fragment Replies on Comment { children { id } }
           { messages(key: "${BIG_KEY}", perpage: 3) { items { id a: children { id } b: children { ...Replies } } } }`,
        ),
      );
      expect(twoLevels.statements).toHaveLength(3);
      const got = twoLevels.result.data!.messages.items;
      expect(got.map((i) => i.b!.map((c) => c.children!.map((r) => r.id)))).toEqual(items.map((i) => i.children.map((c) => c.children.map((r) => r.id))));
      expect(got.map((i) => i.a!.map((c) => c.id))).toEqual(items.map((i) => i.children.map((c) => c.id)));
    });

    it('skip the count when GraphQL does not ask for total', async () => {
      const { statements } = await warmCount(t.rt.main, () => t.graphql(`{ messages(key: "${BIG_KEY}", perpage: 3) { items { id } } }`));
      expect(statements).toHaveLength(1);
    });

    it('batch every parent of a level into one IN list, in page order, on both faces', async () => {
      const tops = [1000, 1001, 1002];
      const replies = [1060, 1061, 1062, 1063, 1064, 1065];
      const expected = [
        [t.app.id, ...tops],
        [t.app.id, ...replies],
      ];
      expect(await childBatches(t.rt.main, () => show(t, { message_key: BIG_KEY, perpage: 3 }))).toEqual(expected);
      expect(await childBatches(t.rt.main, () => thread({ key: BIG_KEY, perpage: 3 }))).toEqual(expected);
      const newest = await childBatches(t.rt.main, () => show(t, { message_key: BIG_KEY, perpage: 2, order: 2 }));
      expect(newest).toEqual([
        [t.app.id, 1059, 1058],
        [t.app.id, 1179, 1178, 1177, 1176],
      ]);
    });
  });

  describe('refuses bad input with the platform’s 400', () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ perpage: 101 }, '客户端非法请求：perpage应该小于等于100, 但现在perpage = 101'],
      [{ perpage: 0 }, '客户端非法请求：perpage应该大于或等于1, 但现在perpage = 0'],
      [{ perpage: 'ten' }, '客户端非法请求：perpage应该是整数, 但现在perpage = ten'],
      [{ page: 0 }, '客户端非法请求：page应该大于或等于1, 但现在page = 0'],
      [{ page: -3 }, '客户端非法请求：page应该大于或等于1, 但现在page = -3'],
      [{ page: '1.5' }, '客户端非法请求：page应该是整数, 但现在page = 1.5'],
      [{ page: 1_000_000_001 }, '客户端非法请求：page应该小于等于1000000000, 但现在page = 1000000001'],
      [{ order: 3 }, '客户端非法请求：order应该小于等于2, 但现在order = 3'],
      [{ order: 0 }, '客户端非法请求：order应该大于或等于1, 但现在order = 0'],
      [{ order: 'desc' }, '客户端非法请求：order应该是整数, 但现在order = desc'],
      [{ message_key: 'k'.repeat(65) }, '客户端非法请求：message_key.len应该小于等于64, 但现在message_key.len = 65'],
      [{ more_select: 'nope' }, '客户端非法请求：参数more_select中的字段 nope 不存在'],
      [{ more_select: 'uuid,app_id' }, '客户端非法请求：参数more_select中的字段 app_id 不存在'],
      [{ more_select: 'id;DROP TABLE x' }, '客户端非法请求：参数more_select中的字段 "id;DROP TABLE x" 不存在'],
    ];
    it.each(cases)('%o', async (params, msg) => {
      const env = await show(t, params);
      expect({ ret: env.ret, msg: env.msg, data: env.data }).toEqual({ ret: 400, msg, data: {} });
    });

    it('on GraphQL, as BAD_REQUEST naming the argument in the same words', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ perpage: 101 }, '客户端非法请求：perpage应该小于等于100, 但现在perpage = 101'],
        [{ perpage: 0 }, '客户端非法请求：perpage应该大于或等于1, 但现在perpage = 0'],
        [{ page: 0 }, '客户端非法请求：page应该大于或等于1, 但现在page = 0'],
        [{ key: '😀'.repeat(65) }, '客户端非法请求：key.len应该小于等于64, 但现在key.len = 65'],
      ];
      for (const [vars, message] of cases) {
        const res = await thread(vars);
        expect(res.errors?.[0]?.extensions, JSON.stringify(vars)).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
        expect(res.errors?.[0]?.message).toBe(message);
      }
      const order = await thread({ order: 'SIDEWAYS' });
      expect(order.errors?.[0]?.message).toContain('SIDEWAYS');
    });

    it('on GraphQL, an unknown extra column', async () => {
      const res = await t.graphql<{ messages: { items: GqlComment[] } }>(`{ messages(key: "${SEED_KEY}") { items { id extra(column: "app_id") } } }`);
      expect(res.errors?.[0]).toMatchObject({ message: '客户端非法请求：参数column中的字段 app_id 不存在', extensions: { code: 'BAD_REQUEST' } });
    });
  });
});
