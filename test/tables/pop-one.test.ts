/**
 * App.Table.FreePopOne on each main store through `server.fetch`: the platform's two request
 * examples, every order_type, model_uuid's three meanings, check_code, parameter precedence,
 * the err_codes, bad input, and exactly-once under 16 concurrent callers.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFLICT_RETRY } from '../../src/db/retry.js';
import { ident, sql } from '../../src/db/sql.js';
import type { Row } from '../../src/db/store.js';
import { useServer } from '../support/server.js';
import { conflictError, countStatements, storeKinds, withOneConflict } from '../support/stores.js';
import { defineTable, insertRows, pop } from './support.js';

const kinds = await storeKinds();

const ARTICLE = ['title:varchar(8)', 'content:text', 'post_time:datetime', 'view_times:int', 'state:int'];
const OWNER = 'A'.repeat(32);

describe.each(kinds)('App.Table.FreePopOne on %s', (kind) => {
  const t = useServer(kind);
  let article: string;
  const rowOf = async (physical: string, id: number | string): Promise<Row> => (await t.rt.main.query(sql`SELECT * FROM ${ident(physical)} WHERE id = ${id}`))[0]!;
  const fresh = async (name: string, rows: Array<Record<string, unknown>>, specs = ARTICLE, indexes: string[] = []): Promise<string> => {
    const def = await defineTable(t.rt.main, t.app.id, name, specs, indexes);
    await insertRows(t.rt.main, def.physical, rows);
    return def.physical;
  };

  beforeAll(async () => {
    article = await fresh('article', [
      { uuid: '', add_time: '2018-04-09 23:42:24', title: 'done', content: 'c', post_time: '1970-01-01 00:00:00', view_times: 1, state: 1 },
      { uuid: '', add_time: '2018-04-09 23:42:25', title: 'xx', content: 'yy', post_time: '1970-01-01 00:00:00', view_times: 2, state: 0 },
      { uuid: '', add_time: '2018-04-09 23:42:26', title: 'zz', content: 'ww', post_time: '1970-01-01 00:00:00', view_times: 3, state: 0 },
    ]);
  });

  it("answers the platform's first example: the row as found, every value as text, then applies data", async () => {
    const before = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const env = await pop(t, { model_name: 'article', where: '[["state", "=", 0]]', data: '{"state":1}' });
    expect(env.ret, env.msg).toBe(200);
    expect(env.data).toEqual({
      err_code: 0,
      err_msg: '',
      data: { id: '2', uuid: '', add_time: '2018-04-09 23:42:25', update_time: null, ext_data: null, title: 'xx', content: 'yy', post_time: '1970-01-01 00:00:00', view_times: '2', state: '0' },
    });
    const row = await rowOf(article, 2);
    expect(Number(row.state)).toBe(1);
    expect(String(row.update_time) >= before).toBe(true);
  });

  it("answers the platform's second example (where_X, data_X) with the next row", async () => {
    const env = await pop(t, { model_name: 'article', where_state: '0', data_state: '1' });
    expect(env.data.err_code).toBe(0);
    expect(env.data.data).toMatchObject({ id: '3', state: '0', title: 'zz' });
    const again = await pop(t, { model_name: 'article', where_state: '0', data_state: '1' });
    expect(again.data).toEqual({ err_code: 3, err_msg: '查无数据' });
    expect(again.msg).toBe('查无数据');
  });

  it('limits the answer to fields, in the order named', async () => {
    await fresh('limited', [{ title: 'a', state: 0 }]);
    const env = await pop(t, { model_name: 'limited', fields: 'state,title', data: '{"state":1}' });
    expect(env.data.data).toEqual({ state: '0', title: 'a' });
    expect(Object.keys(env.data.data as object)).toEqual(['state', 'title']);
  });

  it('serves each order_type its documented row', async () => {
    const rows = [
      { title: 'r1', state: 0, update_time: '2020-01-03 00:00:00' },
      { title: 'r2', state: 0, update_time: '2020-01-01 00:00:00' },
      { title: 'r3', state: 0, update_time: '2020-01-05 00:00:00' },
      { title: 'r4', state: 0, update_time: '2020-01-02 00:00:00' },
    ];
    const titleOf = async (orderType: number, name: string) => {
      const env = await pop(t, { model_name: name, order_type: orderType, where: '[["state","=",0]]', data: '{"state":1}', fields: 'title' });
      expect(env.data.err_code, env.data.err_msg).toBe(0);
      return (env.data.data as { title: string }).title;
    };
    await fresh('o1', rows);
    expect(await titleOf(1, 'o1')).toBe('r1');
    await fresh('o2', rows);
    expect(await titleOf(2, 'o2')).toBe('r4');
    await fresh('o4', rows);
    expect(await titleOf(4, 'o4')).toBe('r2');
    await fresh('o5', rows);
    expect(await titleOf(5, 'o5')).toBe('r3');
    await fresh('o3', rows);
    const random = new Set<string>();
    for (let i = 0; i < 4; i++) random.add(await titleOf(3, 'o3'));
    expect([...random].sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect((await pop(t, { model_name: 'o3', order_type: 3, where: '[["state","=",0]]' })).data.err_code).toBe(3);
    // order_type 4 after pops: the popped rows now carry the newest update_time.
    expect(await titleOf(4, 'o1')).toBe('r2');
  });

  it('reads model_uuid three ways: absent or @NULL any owner, empty guest rows, a value that owner', async () => {
    await fresh('owned', [
      { uuid: OWNER, title: 'mine', state: 0 },
      { uuid: '', title: 'guest', state: 0 },
      { uuid: OWNER, title: 'mine2', state: 0 },
    ]);
    const title = async (params: Record<string, string>) => {
      const env = await pop(t, { model_name: 'owned', where_state: '0', data_state: '1', fields: 'title', ...params });
      return env.data.err_code === 0 ? (env.data.data as { title: string }).title : env.data.err_code;
    };
    expect(await title({ model_uuid: '' })).toBe('guest');
    expect(await title({ model_uuid: '' })).toBe(3);
    expect(await title({ model_uuid: OWNER })).toBe('mine');
    expect(await title({ model_uuid: '@NULL' })).toBe('mine2');
    expect(await title({})).toBe(3);
  });

  it('checks check_code only when the table has one', async () => {
    await fresh('coded', [{ title: 'a', state: 0 }, { title: 'b', state: 0 }]);
    await t.rt.main.execute(sql`UPDATE yg_table SET check_code = NULL WHERE name = 'coded'`);
    const { TableRecords } = await import('../../src/records/tables.js');
    expect((await pop(t, { model_name: 'coded', check_code: 'anything', where_state: '0', data_state: '1' })).data.err_code).toBe(0);
    await new TableRecords(t.rt.main).setCheckCode(t.app.id, 'coded', 's3cret');
    expect((await pop(t, { model_name: 'coded', data_state: '1' })).data).toEqual({ err_code: 2, err_msg: '应用层规则拦截：表单coded的口令check_code不正确' });
    expect((await pop(t, { model_name: 'coded', check_code: 'S3CRET', data_state: '1' })).data.err_code).toBe(2);
    const ok = await pop(t, { model_name: 'coded', check_code: 's3cret', where_state: '0', data_state: '1', fields: 'title' });
    expect(ok.data).toEqual({ err_code: 0, err_msg: '', data: { title: 'b' } });
  });

  it('lets data_X win over data and where_X over where', async () => {
    const physical = await fresh('prec', [{ title: 'a', state: 0 }, { title: 'b', state: 5 }]);
    const env = await pop(t, { model_name: 'prec', where: '[["state","=",0]]', where_state: '5', data: '{"title":"fromdata","state":7}', data_title: 'fromX', fields: 'title' });
    expect(env.data.data).toEqual({ title: 'b' });
    const row = await rowOf(physical, 2);
    expect(row.title).toBe('fromX');
    expect(Number(row.state)).toBe(5);
  });

  it('answers err_code 1 for a table the app does not have, including another app’s', async () => {
    expect((await pop(t, { model_name: 'nosuch' })).data).toEqual({ err_code: 1, err_msg: '表单nosuch不存在' });
    const other = await t.newApp();
    expect((await pop(t, { model_name: 'article' }, { app: other })).data).toEqual({ err_code: 1, err_msg: '表单article不存在' });
  });

  it('pops from okayapi_message of the calling app only (the platform’s Python example)', async () => {
    const other = await t.newApp();
    await insertRows(t.rt.main, 'okayapi_message', [
      { app_id: other.id, message_key: 'a', message_nickname: 'hehe', message_content: 'theirs', message_post_time: '2019-01-31 15:11:20' },
      { app_id: t.app.id, message_key: 'a', message_nickname: 'hehe', message_content: 'wala', message_post_time: '2019-01-31 15:11:20' },
    ]);
    const env = await pop(t, { model_name: 'okayapi_message', logic: 'or', where: '[["message_nickname", "=", "hehe"], ["message_key", "=", "a"]]', data: '{"message_key": "cba"}' });
    expect(env.data.err_code, env.data.err_msg).toBe(0);
    const data = env.data.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['id', 'uuid', 'add_time', 'update_time', 'ext_data', 'message_key', 'message_nickname', 'message_content', 'message_pid', 'message_post_time']);
    expect(data).toMatchObject({ message_key: 'a', message_nickname: 'hehe', message_content: 'wala', message_pid: '0' });
    const again = await pop(t, { model_name: 'okayapi_message', where: '[["message_key", "=", "a"]]' });
    expect(again.data.err_code).toBe(3);
  });

  it('refuses bad input with a 400 that names it, never SQL', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ data: '{"id":9}' }, '客户端非法请求：参数data中的字段 id 是系统字段，不能写入'],
      [{ data_update_time: '2020-01-01' }, '客户端非法请求：参数data中的字段 update_time 是系统字段，不能写入'],
      [{ data: '{"nope":1}' }, '客户端非法请求：参数data中的字段 nope 不存在'],
      [{ data: '{"title":"123456789"}' }, '客户端非法请求：参数data中字段 title 的值最多8个字符, 但现在有9个'],
      [{ data: '{"state":"many"}' }, '客户端非法请求：参数data中字段 state 的值 "many" 不是数值'],
      [{ data: '{"state":' }, '客户端非法请求：参数data的JSON数据格式错误'],
      [{ where: '[["message_key","=","a"]]' }, '客户端非法请求：参数where中的字段 message_key 不存在'],
      [{ fields: 'title,app_id' }, '客户端非法请求：参数fields中的字段 app_id 不存在'],
      [{ order_type: '6' }, '客户端非法请求：order_type应该小于等于5, 但现在order_type = 6'],
      [{ model_uuid: 'x'.repeat(33) }, '客户端非法请求：model_uuid.len应该小于等于32, 但现在model_uuid.len = 33'],
    ];
    for (const [params, msg] of cases) {
      const env = await pop(t, { model_name: 'article', ...params });
      expect([env.ret, env.msg], JSON.stringify(params)).toEqual([400, msg]);
    }
    const bad = await pop(t, { model_name: 'x;drop' });
    expect([bad.ret, bad.msg]).toEqual([400, '客户端非法请求：model_name只能包含字母、数字和下划线且不能以数字开头, 但现在model_name = "x;drop"']);
  });

  it('runs a pop again after a write conflict, reported under pop_one', async () => {
    await fresh('conflicted', [{ title: 'a', state: 0 }]);
    const { result: env, retried } = await withOneConflict(t.rt.main, kind, () => pop(t, { model_name: 'conflicted', where_state: '0', data_state: '1', fields: 'title' }));
    expect(env.data).toEqual({ err_code: 0, err_msg: '', data: { title: 'a' } });
    expect(retried).toEqual(['pop_one']);
  });

  it('answers a conflict on every attempt as err_code 1 (busy, nothing popped) on both faces, any other fault as a server fault', async () => {
    const physical = await fresh('contended', [{ title: 'a', state: 0 }]);
    const busy = /^数据库繁忙（死锁或锁等待超时），未取出数据，请稍后重试，错误编号：[0-9a-f-]{36}$/;
    const mutation = `mutation { popOne(table: "contended", where: {conditions: [{field: "state", op: EQ, value: 0}]}, data: {state: 1}) { ... on MutationPopOneSuccess { data { id } } ... on BusinessError { errCode message } } }`;
    // No pause between attempts: every backoff draws 0.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const spy = vi.spyOn(t.rt.main, 'transaction').mockRejectedValue(conflictError(kind));
    try {
      const env = await pop(t, { model_name: 'contended', where_state: '0', data_state: '1' });
      expect(env.ret).toBe(200);
      expect(env.data.err_code).toBe(1);
      expect(env.data.err_msg).toMatch(busy);
      expect(spy).toHaveBeenCalledTimes(CONFLICT_RETRY.pop_one.attempts);
      const answer = (await t.graphql(mutation)) as { data: { popOne: { errCode: number; message: string } } };
      expect(answer.data.popOne.errCode).toBe(1);
      expect(answer.data.popOne.message).toMatch(busy);
      spy.mockRejectedValue(new Error('disk full'));
      const fault = await pop(t, { model_name: 'contended', where_state: '0', data_state: '1' });
      expect(fault.ret).toBe(500);
      expect(fault.msg).not.toContain('disk full');
    } finally {
      spy.mockRestore();
      vi.mocked(Math.random).mockRestore();
    }
    expect(Number((await rowOf(physical, 1)).state)).toBe(0);
  });

  it('answers err_code 4 for random order over more than 100000 matches', async () => {
    const physical = await fresh('huge', [], ['state:int']);
    await insertRows(t.rt.main, physical, Array.from({ length: 100_001 }, () => ({ state: 0 })));
    const env = await pop(t, { model_name: 'huge', order_type: 3, where_state: '0' });
    expect(env.data).toEqual({ err_code: 4, err_msg: '当前取随机数据已超过100000条，为保证接口服务质量，请缩小条件范围' });
    expect((await pop(t, { model_name: 'huge', order_type: 3, where: '[["id","<=",10]]', fields: 'state' })).data.err_code).toBe(0);
    // Exactly the limit is served.
    expect((await pop(t, { model_name: 'huge', order_type: 3, where: '[["id","<=",100000]]', fields: 'state' })).data.err_code).toBe(0);
  }, 60_000);

  it('random order draws every matching row about equally often, whatever the ids', async () => {
    // Ids 101, 102, 103, 107 with 101 not matching: the pivot falls anywhere in 101…107, so row
    // 107 (at or after 104…107) is drawn 4 times in 7, row 103 once, row 102 twice (pivot 101 lands on 102).
    await fresh('drawn', [
      { id: 101, state: 1 },
      { id: 102, state: 0 },
      { id: 103, state: 0 },
      { id: 107, state: 0 },
    ], ['state:int']);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 350; i++) {
      const env = await pop(t, { model_name: 'drawn', order_type: 3, where_state: '0', fields: 'id' });
      const id = (env.data.data as { id: string }).id;
      counts[id] = (counts[id] ?? 0) + 1;
    }
    // Expected 100, 50, 200 of 350; each bound is more than four standard deviations away.
    expect(Object.keys(counts).sort()).toEqual(['102', '103', '107']);
    expect(counts['102']).toBeGreaterThan(60);
    expect(counts['102']).toBeLessThan(140);
    expect(counts['103']).toBeGreaterThan(20);
    expect(counts['103']).toBeLessThan(80);
    expect(counts['107']).toBeGreaterThan(160);
    expect(counts['107']).toBeLessThan(240);
    // Nothing matching: the count answers it, with no range read and no pop tried.
    const { result, statements } = await countStatements(t.rt.main, () => pop(t, { model_name: 'drawn', order_type: 3, where_state: '9' }));
    expect(result.data.err_code).toBe(3);
    expect(statements.filter((q) => /COUNT\(\*\)/.test(q))).toHaveLength(1);
    expect(statements.filter((q) => /MIN\(|UPDATE|ORDER BY/.test(q))).toEqual([]);
  });

  it.each([1, 3])('answers each of 5000 rows exactly once to 16 concurrent callers (order_type %i)', async (orderType) => {
    const name = `coupons${orderType}`;
    const physical = await fresh(name, [], ['code:varchar(16)', 'state:int'], ['state']);
    await insertRows(t.rt.main, physical, Array.from({ length: 5000 }, (_, i) => ({ code: `c${i}`, state: 0 })));
    const seen: string[] = [];
    const others: unknown[] = [];
    const caller = async () => {
      for (;;) {
        const env = await pop(t, { model_name: name, order_type: orderType, where: '[["state","=",0]]', data: '{"state":1}', fields: 'code' });
        if (env.ret === 200 && env.data.err_code === 0) seen.push((env.data.data as { code: string }).code);
        else if (env.ret === 200 && env.data.err_code === 3) return;
        else {
          others.push(env);
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, caller));
    expect(others).toEqual([]);
    expect(seen.length).toBe(5000);
    expect(new Set(seen).size).toBe(5000);
    const [left] = await t.rt.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM ${ident(physical)} WHERE state = 0`);
    expect(Number(left!.n)).toBe(0);
  }, 180_000);
});
