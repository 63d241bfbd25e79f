/**
 * The core App.Table.* services and the GraphQL face of hosted tables, on each main store
 * through `server.fetch`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { defineTable } from './support.js';

const kinds = await storeKinds();

const POP = `mutation Pop($table: String!, $where: ConditionsInput, $data: JSON, $fields: [String!], $order: PopOrder, $modelUuid: String, $checkCode: String) {
  popOne(table: $table, where: $where, data: $data, fields: $fields, order: $order, modelUuid: $modelUuid, checkCode: $checkCode) {
    __typename
    ... on MutationPopOneSuccess { data { id uuid updateTime values state: value(column: "state") } }
    ... on BusinessError { errCode message }
  }
}`;

const ROWS = `query Rows($table: String!, $where: ConditionsInput, $order: [OrderByInput!], $page: Int, $perpage: Int) {
  tableRows(table: $table, where: $where, order: $order, page: $page, perpage: $perpage) {
    __typename
    ... on QueryTableRowsSuccess { data { total items { id values } } }
    ... on BusinessError { errCode message }
  }
}`;

describe.each(kinds)('App.Table.* core services on %s', (kind) => {
  const t = useServer(kind);
  const call = (s: string, params: Record<string, string | number>) => t.legacy({ s: `App.Table.${s}`, model_name: 'book', ...params });

  beforeAll(async () => {
    await defineTable(t.rt.main, t.app.id, 'book', ['name:varchar(16)', 'year:int', 'state:int'], ['year']);
  });

  it('creates, gets, updates, counts, queries and deletes rows, values as text', async () => {
    const a = await call('Create', { data: '{"name":"红楼梦","year":1791,"state":0}' });
    expect(a.data).toEqual({ err_code: 0, err_msg: '', id: 1 });
    const b = await call('Create', { data_name: '西游记', data_year: '1592', data_state: '0' });
    expect(b.data.id).toBe(2);
    const got = await call('Get', { id: 1, select: 'id,uuid,name,year,update_time' });
    expect(got.data).toEqual({ err_code: 0, err_msg: '', data: { id: '1', uuid: '', name: '红楼梦', year: '1791', update_time: null } });
    expect((await call('Update', { id: 2, data: '{"year":1593}' })).data).toEqual({ err_code: 0, err_msg: '', updated_num: 1 });
    expect((await call('FreeCount', { where: '[["year", ">", 1600]]' })).data).toEqual({ err_code: 0, err_msg: '', total: 1 });
    const page = await call('FreeQuery', { where_state: '0', select: 'name,year', order: '["year DESC"]', perpage: 1 });
    expect(page.data).toEqual({ err_code: 0, err_msg: '', total: 2, list: [{ name: '红楼梦', year: '1791' }] });
    expect((await call('Delete', { id: 2 })).data).toEqual({ err_code: 0, err_msg: '', deleted_num: 1 });
    expect((await call('Get', { id: 2 })).data).toEqual({ err_code: 3, err_msg: '数据不存在：id = 2' });
    expect((await call('Delete', { id: 2 })).data.err_code).toBe(3);
    expect((await call('Update', { id: 2, data: '{"year":1}' })).data.err_code).toBe(3);
  });

  it("writes a signed-in member's uuid into the row, and '' for a guest", async () => {
    const password = 'e10adc3949ba59abbe56e057f20f883e';
    await t.legacy({ s: 'App.User.Register', username: 'reader', password });
    const login = await t.legacy({ s: 'App.User.Login', username: 'reader', password });
    const session = { uuid: String(login.data.uuid), token: String(login.data.token) };
    const mine = await t.legacy({ s: 'App.Table.Create', model_name: 'book', data: '{"name":"member"}' }, { session });
    const guest = await call('Create', { data: '{"name":"guest"}' });
    expect((await call('Get', { id: Number(mine.data.id), select: 'uuid' })).data.data).toEqual({ uuid: session.uuid });
    expect((await call('Get', { id: Number(guest.data.id), select: 'uuid' })).data.data).toEqual({ uuid: '' });
    await call('Delete', { id: Number(mine.data.id) });
    await call('Delete', { id: Number(guest.data.id) });
  });

  it('CheckCreate creates once, then answers err_code 3 with the existing id', async () => {
    const first = await call('CheckCreate', { data: '{"name":"水浒传","year":1589}', check_field: 'name' });
    expect(first.data.err_code).toBe(0);
    const again = await call('CheckCreate', { data: '{"name":"水浒传","year":1600}', check_field: 'name' });
    expect(again.data).toEqual({ err_code: 3, err_msg: '数据已存在，不再创建', id: first.data.id });
  });

  it('refuses a value too long, a system column, and empty update data', async () => {
    expect((await call('Create', { data: '{"name":"12345678901234567"}' })).msg).toBe('客户端非法请求：参数data中字段 name 的值最多16个字符, 但现在有17个');
    expect((await call('Create', { data: '{"uuid":"x"}' })).msg).toBe('客户端非法请求：参数data中的字段 uuid 是系统字段，不能写入');
    expect((await call('Update', { id: 1 })).msg).toBe('客户端非法请求：参数data不能为空，至少要有一个字段');
  });

  it('pops, pages and writes rows on the GraphQL face with typed business errors', async () => {
    await defineTable(t.rt.main, t.app.id, 'ticket', ['state:int']);
    const created = await t.graphql<{ createRow: { data: { id: string } } }>(
      `mutation { createRow(table: "ticket", data: {state: 0}) { ... on MutationCreateRowSuccess { data { id } } } }`,
    );
    expect(created.data?.createRow.data.id).toBe('1');
    await t.graphql(`mutation { createRow(table: "ticket", data: {state: 0}) { __typename } }`);
    const popped = await t.graphql(POP, { table: 'ticket', where: { conditions: [{ field: 'state', op: 'EQ', value: 0 }] }, data: { state: 1 }, order: 'ID_DESC' });
    expect(popped.errors).toBeUndefined();
    expect(popped.data).toMatchObject({ popOne: { __typename: 'MutationPopOneSuccess', data: { id: '2', uuid: '', updateTime: null, state: '0' } } });
    const rows = await t.graphql(ROWS, { table: 'ticket', order: [{ column: 'id', direction: 'ASC' }] });
    expect(rows.data).toMatchObject({ tableRows: { data: { total: 2, items: [{ id: '1', values: { state: '0' } }, { id: '2', values: { state: '1' } }] } } });
    const none = await t.graphql(POP, { table: 'ticket', where: { conditions: [{ field: 'state', op: 'EQ', value: 5 }] } });
    expect(none.data).toEqual({ popOne: { __typename: 'BusinessError', errCode: 3, message: '查无数据' } });
    const missing = await t.graphql(POP, { table: 'nosuch' });
    expect(missing.data).toEqual({ popOne: { __typename: 'BusinessError', errCode: 1, message: '表单nosuch不存在' } });
    const bad = await t.graphql(POP, { table: 'ticket', data: { id: 1 } });
    expect(bad.errors?.[0]).toMatchObject({ message: '客户端非法请求：参数data中的字段 id 是系统字段，不能写入', extensions: { code: 'BAD_REQUEST' } });
  });
});
