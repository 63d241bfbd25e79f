/**
 * App.Market_Message.Post and GraphQL `postMessage` over each available main store: nesting
 * rules, members, apps kept apart, extra columns, content kept byte-exact, concurrency, and
 * bad input that changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { sql } from '../../src/db/sql.js';
import type { Envelope } from '../support/server.js';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { insertComments, SEED_ROWS } from './fixtures.js';
import { post, POST, show, THREAD, type LegacyItem, type PostResult, type ThreadResult } from './support.js';

const kinds = await storeKinds();

const SEED_KEY = '文章1';

interface StoredRow {
  id: number;
  uuid: string;
  app_id: number;
  message_key: string;
  message_nickname: string;
  message_content: string;
  message_pid: number;
  message_post_time: string;
  site: string | null;
  score: number | null;
}

describe.each(kinds)('App.Market_Message.Post on %s', (kind) => {
  const t = useServer(kind);

  beforeAll(async () => {
    await insertComments(t.rt.main, t.app.id, SEED_KEY, SEED_ROWS);
    // Extra columns an app owner added to the table.
    await t.rt.main.execute(sql`ALTER TABLE okayapi_message ADD COLUMN site VARCHAR(64) NULL`);
    await t.rt.main.execute(sql`ALTER TABLE okayapi_message ADD COLUMN score INT NULL`);
    t.rt.main.invalidateColumns('okayapi_message');
  });

  const stored = async (id: unknown): Promise<StoredRow> => {
    const [row] = await t.rt.main.query<StoredRow>(sql`SELECT * FROM okayapi_message WHERE id = ${id}`);
    if (!row) throw new Error(`no row ${String(id)}`);
    return { ...row, id: Number(row.id), app_id: Number(row.app_id), message_pid: Number(row.message_pid), score: row.score === null ? null : Number(row.score) };
  };
  const rowCount = async () => Number((await t.rt.main.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM okayapi_message`))[0]!.n);
  const postId = (env: Envelope) => {
    expect(env.ret, env.msg).toBe(200);
    expect(env.data.err_code).toBe(0);
    expect(Object.keys(env.data)).toEqual(['err_code', 'err_msg', 'id']);
    expect(Number.isInteger(env.data.id)).toBe(true);
    return env.data.id as number;
  };

  it('posts a top-level comment and a reply on each of the first two levels', async () => {
    const before = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const top = postId(await post(t, { message_content: '第一', message_nickname: '小白', message_key: 'thread-a' }));
    const reply = postId(await post(t, { message_content: '第二', message_key: 'thread-a', message_pid: top }));
    const deep = postId(await post(t, { message_content: '第三', message_key: 'thread-a', message_pid: reply }, { method: 'POST' }));
    const after = new Date().toISOString().slice(0, 19).replace('T', ' ');
    expect(new Set([top, reply, deep]).size).toBe(3);

    const row = await stored(top);
    expect(row).toMatchObject({ uuid: '', app_id: t.app.id, message_key: 'thread-a', message_nickname: '小白', message_content: '第一', message_pid: 0 });
    expect(row.message_post_time >= before && row.message_post_time <= after).toBe(true);

    const env = await show(t, { message_key: 'thread-a' });
    expect(env.data.total).toBe(1);
    const [item] = env.data.items as LegacyItem[];
    expect(item).toMatchObject({ id: top, message_nickname: '小白', message_pid: 0, child: [{ id: reply, message_pid: top, message_nickname: '' }] });
    expect(item!.child![0]!.child).toEqual([
      { id: deep, message_nickname: '', message_content: '第三', message_post_time: (await stored(deep)).message_post_time, message_pid: reply },
    ]);
  });

  it('refuses replies to a third-level, missing, other-key or other app’s comment with err_code 1', async () => {
    const other = await t.newApp();
    const theirs = postId(await post(t, { message_content: 'x', message_key: SEED_KEY }, { app: other }));
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ message_key: SEED_KEY, message_pid: 13 }, '评论最多3层，不能回复第3层的评论message_pid = 13'],
      [{ message_key: SEED_KEY, message_pid: 999_999 }, '回复的评论不存在：message_pid = 999999'],
      [{ message_key: 'another', message_pid: 9 }, '回复的评论message_pid = 9不属于message_key = another'],
      [{ message_pid: 9 }, '回复的评论message_pid = 9不属于message_key = '],
      [{ message_key: SEED_KEY, message_pid: theirs }, `回复的评论不存在：message_pid = ${theirs}`],
    ];
    const count = await rowCount();
    for (const [params, msg] of cases) {
      const env = await post(t, { message_content: 'reply', ...params });
      expect({ ret: env.ret, data: env.data, msg: env.msg }).toEqual({ ret: 200, data: { err_code: 1, err_msg: msg }, msg });
    }
    // The other app cannot reach the main app's thread either.
    const env = await post(t, { message_content: 'reply', message_key: SEED_KEY, message_pid: 9 }, { app: other });
    expect(env.data).toEqual({ err_code: 1, err_msg: '回复的评论不存在：message_pid = 9' });
    expect(await rowCount()).toBe(count);
  });

  it('keeps each app’s comments to itself', async () => {
    const other = await t.newApp();
    await post(t, { message_content: 'mine', message_key: 'shared-key' }, { app: other });
    await post(t, { message_content: 'ours', message_key: 'shared-key' });
    const theirs = await t.legacy({ s: 'App.Market_Message.Show', message_key: 'shared-key' }, { app: other });
    expect((theirs.data.items as LegacyItem[]).map((i) => i.message_content)).toEqual(['mine']);
    expect((await show(t, { message_key: SEED_KEY })).data.total).toBe(3);
    const everything = await t.legacy({ s: 'App.Market_Message.Show', perpage: 100 }, { app: other });
    expect((everything.data.items as LegacyItem[]).every((i) => i.message_content !== 'ours' && i.id !== 8)).toBe(true);
  });

  it('stores the member’s uuid for a signed-in caller, and refuses an unknown session', async () => {
    const username = `poster_${kind}`;
    const password = md5('secret');
    expect((await t.legacy({ s: 'App.User.Register', username, password })).data.err_code).toBe(0);
    const login = await t.legacy({ s: 'App.User.Login', username, password });
    const session = { uuid: login.data.uuid as string, token: login.data.token as string };
    const id = postId(await post(t, { message_content: 'as a member', message_key: 'members' }, { session }));
    expect((await stored(id)).uuid).toBe(session.uuid);

    const shown = await show(t, { message_key: 'members', more_select: 'uuid' });
    expect((shown.data.items as LegacyItem[])[0]!.uuid).toBe(session.uuid);
    const gql = await t.graphql<PostResult>(POST, { content: 'via graphql', key: 'members' }, { session });
    expect(gql.data?.postMessage.data?.uuid).toBe(session.uuid);

    const stale = await post(t, { message_content: 'x' }, { session: { uuid: session.uuid, token: 'a'.repeat(64) } });
    expect({ ret: stale.ret, msg: stale.msg }).toEqual({ ret: 401, msg: '客户端非法请求：用户未登录，或登录凭证已过期' });
  });

  it('writes extra columns from more_data and ignores system columns in it', async () => {
    const moreData = JSON.stringify({ site: 'example.org', score: '7', id: 1, uuid: 'F'.repeat(32), app_id: 999, add_time: '2000-01-01 00:00:00', ext_data: 'x', message_pid: 9, message_key: 'k' });
    const id = postId(await post(t, { message_content: 'with extras', message_key: 'extras', more_data: moreData }));
    const row = await stored(id);
    expect(row).toMatchObject({ site: 'example.org', score: 7, uuid: '', app_id: t.app.id, message_pid: 0, message_key: 'extras' });
    expect(id).not.toBe(1);

    const env = await show(t, { message_key: 'extras', more_select: 'site,score' });
    expect((env.data.items as LegacyItem[])[0]).toMatchObject({ site: 'example.org', score: 7, child: [] });

    const gql = await t.graphql<PostResult & ThreadResult>(
      `mutation { postMessage(content: "g", key: "extras", moreData: {site: "graphql.org", score: 3, message_nickname: "ignored"}) {
        ... on MutationPostMessageSuccess { data { id nickname site: extra(column: "site") score: extra(column: "score") } } } }`,
    );
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.postMessage.data).toMatchObject({ nickname: '', site: 'graphql.org', score: 3 });
  });

  it('refuses an extra value longer than its column with a 400, writing nothing', async () => {
    const before = await t.rt.main.query(sql`SELECT COUNT(*) AS n FROM okayapi_message`);
    const env = await post(t, { message_content: 'too long', more_data: JSON.stringify({ site: '站'.repeat(65) }) });
    expect({ ret: env.ret, msg: env.msg }).toEqual({ ret: 400, msg: '客户端非法请求：参数more_data中字段 site 的值最多64个字符, 但现在有65个' });
    expect(await t.rt.main.query(sql`SELECT COUNT(*) AS n FROM okayapi_message`)).toEqual(before);
    expect(postId(await post(t, { message_content: 'fits', more_data: JSON.stringify({ site: '站'.repeat(64) }) }))).toBeGreaterThan(0);
  });

  it('answers a 400, not a 500, when the engine refuses a value (an INT out of range on MariaDB)', async () => {
    const before = await t.rt.main.query(sql`SELECT COUNT(*) AS n FROM okayapi_message`);
    const env = await post(t, { message_content: 'huge', more_data: JSON.stringify({ score: 99_999_999_999 }) });
    if (kind === 'mysql') {
      expect({ ret: env.ret, msg: env.msg }).toEqual({ ret: 400, msg: '客户端非法请求：数据不符合字段的类型、长度或取值范围' });
      expect(await t.rt.main.query(sql`SELECT COUNT(*) AS n FROM okayapi_message`)).toEqual(before);
      const gql = await t.graphql(`mutation { postMessage(content: "huge", moreData: {score: 99999999999}) { __typename } }`);
      expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
    } else {
      // SQLite stores any integer in an INT column.
      expect(env.ret).toBe(200);
    }
  });

  it('keeps HTML, scripts, emoji, CJK and 65,535 characters byte-exact', async () => {
    const contents = [
      `<script>alert("x&y")</script><img src=x onerror='alert(1)'>&amp;&lt;\\u0000 %00 +plus+ 'quote' "dq"`,
      '表情😀👨‍👩‍👧‍👦 中文 𠀀𪚥 ｆｕｌｌ　ｗｉｄｔｈ\r\n\ttab',
      '评论😀ab'.repeat(2000),
      '😀'.repeat(65_535),
    ];
    for (const content of contents) {
      const id = postId(await post(t, { message_content: content, message_nickname: '😀'.repeat(32), message_key: '键🔑'.repeat(32) }));
      expect((await stored(id)).message_content).toBe(content);
      const env = await show(t, { message_key: '键🔑'.repeat(32), order: 2, perpage: 1 });
      expect((env.data.items as LegacyItem[])[0]).toMatchObject({ id, message_content: content, message_nickname: '😀'.repeat(32) });
    }
    const viaGraphql = await t.graphql<PostResult>(POST, { content: contents[0], key: 'html' });
    expect(viaGraphql.data?.postMessage.data?.content).toBe(contents[0]);
  });

  it('loses nothing when 50 callers post at once', async () => {
    const envs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(t, { message_content: `concurrent ${i}`, message_key: 'rush', message_pid: 0 }, { method: i % 2 ? 'POST' : 'GET' })),
    );
    const ids = envs.map(postId);
    expect(new Set(ids).size).toBe(50);
    const rows = await t.rt.main.query<{ id: number; message_content: string }>(sql`SELECT id, message_content FROM okayapi_message WHERE message_key = ${'rush'}`);
    expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.message_content)).size).toBe(50);
    const env = await show(t, { message_key: 'rush', perpage: 100 });
    expect(env.data.total).toBe(50);
    const items = env.data.items as LegacyItem[];
    const byTimeThenId = [...items].sort((a, b) => a.message_post_time.localeCompare(b.message_post_time) || a.id - b.id);
    expect(items.map((i) => i.id)).toEqual(byTimeThenId.map((i) => i.id));
  });

  it('answers the same GraphQL thread as it posts, with typed business errors', async () => {
    const top = await t.graphql<PostResult>(POST, { content: 'top', nickname: 'g', key: 'gql' });
    const topData = top.data!.postMessage.data!;
    expect(topData).toMatchObject({ key: 'gql', nickname: 'g', content: 'top', parentId: 0, level: 1, uuid: '', children: [] });
    expect(topData.postTime).toBe((await stored(topData.id)).message_post_time);
    const reply = await t.graphql<PostResult>(POST, { content: 'reply', key: 'gql', parentId: topData.id });
    const replyData = reply.data!.postMessage.data!;
    expect(replyData).toMatchObject({ parentId: topData.id, level: 2 });
    const third = await t.graphql<PostResult>(POST, { content: 'third', key: 'gql', parentId: replyData.id });
    expect(third.data!.postMessage.data).toMatchObject({ level: 3, children: [] });
    const fourth = await t.graphql<PostResult>(POST, { content: 'fourth', key: 'gql', parentId: third.data!.postMessage.data!.id });
    expect(fourth.data?.postMessage).toEqual({
      __typename: 'BusinessError',
      errCode: 1,
      message: `评论最多3层，不能回复第3层的评论message_pid = ${third.data!.postMessage.data!.id}`,
    });
    const res = await t.graphql<ThreadResult>(THREAD, { key: 'gql' });
    expect(res.data!.messages.items[0]!.children[0]!.children.map((c) => c.content)).toEqual(['third']);
  });

  describe('bad input changes nothing and says why', () => {
    let count: number;
    beforeAll(async () => {
      count = await rowCount();
    });

    const cases: Array<[Record<string, string | number>, string]> = [
      [{}, '客户端非法请求：缺少必要参数message_content'],
      [{ message_content: '' }, '客户端非法请求：message_content.len应该大于或等于1, 但现在message_content.len = 0'],
      [{ message_content: '😀'.repeat(65_536) }, '客户端非法请求：message_content.len应该小于等于65535, 但现在message_content.len = 65536'],
      [{ message_content: 'x', message_nickname: '名'.repeat(33) }, '客户端非法请求：message_nickname.len应该小于等于32, 但现在message_nickname.len = 33'],
      [{ message_content: 'x', message_key: '😀'.repeat(65) }, '客户端非法请求：message_key.len应该小于等于64, 但现在message_key.len = 65'],
      [{ message_content: 'x', message_pid: -1 }, '客户端非法请求：message_pid应该大于或等于0, 但现在message_pid = -1'],
      [{ message_content: 'x', message_pid: 'nine' }, '客户端非法请求：message_pid应该是整数, 但现在message_pid = nine'],
      [{ message_content: 'x', message_pid: '1e3' }, '客户端非法请求：message_pid应该是整数, 但现在message_pid = 1e3'],
      [{ message_content: 'x', more_data: '{site:1}' }, '客户端非法请求：参数more_data的JSON数据格式错误'],
      [{ message_content: 'x', more_data: '["site"]' }, '客户端非法请求：参数more_data应该是JSON对象，如{"title": "x"}'],
      [{ message_content: 'x', more_data: '"site"' }, '客户端非法请求：参数more_data应该是JSON对象，如{"title": "x"}'],
      [{ message_content: 'x', more_data: '{"nope": 1}' }, '客户端非法请求：参数more_data中的字段 nope 不存在'],
      [{ message_content: 'x', more_data: '{"site; DROP TABLE x": 1}' }, '客户端非法请求：参数more_data中的字段 "site; DROP TABLE x" 不存在'],
      [{ message_content: 'x', more_data: '{"score": "many"}' }, '客户端非法请求：参数more_data中字段 score 的值 "many" 不是数值'],
      [{ message_content: 'x', more_data: '{"site": {"a": 1}}' }, '客户端非法请求：参数more_data中字段 site 的值应该是单个值，不能是数组或对象'],
    ];
    it.each(cases)('%o', async (params, msg) => {
      const env = await post(t, params);
      expect({ ret: env.ret, msg: env.msg, data: env.data }).toEqual({ ret: 400, msg, data: {} });
      expect(await rowCount()).toBe(count);
    });

    it('on GraphQL, as BAD_REQUEST in the same words', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ content: '' }, '客户端非法请求：content.len应该大于或等于1, 但现在content.len = 0'],
        [{ content: 'x', nickname: '名'.repeat(33) }, '客户端非法请求：nickname.len应该小于等于32, 但现在nickname.len = 33'],
        [{ content: 'x', key: 'k'.repeat(65) }, '客户端非法请求：key.len应该小于等于64, 但现在key.len = 65'],
        [{ content: 'x', parentId: -1 }, '客户端非法请求：parentId应该大于或等于0, 但现在parentId = -1'],
        [{ content: 'x', moreData: ['site'] }, '客户端非法请求：参数moreData应该是JSON对象，如{"title": "x"}'],
        [{ content: 'x', moreData: { site: { a: 1 } } }, '客户端非法请求：参数moreData中字段 site 的值应该是单个值，不能是数组或对象'],
        [{ content: 'x', moreData: { nope: 1 } }, '客户端非法请求：参数more_data中的字段 nope 不存在'],
      ];
      for (const [vars, message] of cases) {
        const res = await t.graphql<PostResult>(POST, vars);
        expect(res.errors?.[0]?.extensions, JSON.stringify(vars)).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
        expect(res.errors?.[0]?.message).toBe(message);
      }
      expect(await rowCount()).toBe(count);
    });
  });
});
