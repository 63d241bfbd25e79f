/** The platform's rule messages for a service's own parameters, exact, on every store. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { useServer } from '../support/server.js';
import { countStatements, storeKinds } from '../support/stores.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';

describe.each(kinds)('parameter rules on %s', (kind) => {
  const t = useServer(kind);

  const cases: Array<[string, Record<string, string>, string]> = [
    ['missing', { s: 'App.Market_Message.Post' }, `${P}缺少必要参数message_content`],
    ['empty is not missing: its length is 0', { s: 'App.Market_Message.Post', message_content: '' }, `${P}message_content.len应该大于或等于1, 但现在message_content.len = 0`],
    ['too short', { s: 'App.User.Register', username: 'u', password: 'a'.repeat(31) }, `${P}password.len应该大于或等于32, 但现在password.len = 31`],
    ['too long', { s: 'App.User.Register', username: 'u', password: 'a'.repeat(33) }, `${P}password.len应该小于等于32, 但现在password.len = 33`],
    ['too long, counted in characters', { s: 'App.Hello.World', name: '😀'.repeat(51) }, `${P}name.len应该小于等于50, 但现在name.len = 51`],
    ['above the range', { s: 'App.Market_Message.Show', perpage: '101' }, `${P}perpage应该小于等于100, 但现在perpage = 101`],
    ['below the range', { s: 'App.Market_Message.Show', page: '0' }, `${P}page应该大于或等于1, 但现在page = 0`],
    ['not an integer', { s: 'App.Market_Message.Show', page: '1.5' }, `${P}page应该是整数, 但现在page = 1.5`],
    ['not one of a list', { s: 'App.DB_MsSQL_Config.AddNewDatabaseConfig', db_mark: 'm', db_type: 'pg', db_host: 'h', db_user: 'u', db_name: 'd' }, `${P}db_type应该为mssql/mysql, 但现在db_type = pg`],
  ];

  it.each(cases)('%s', async (_name, params, msg) => {
    const env = await t.legacy(params);
    expect({ ret: env.ret, msg: env.msg, data: env.data }).toEqual({ ret: 400, msg, data: {} });
  });

  it('are checked before any lookup: an unknown app_key does not answer first', async () => {
    const appKey = randomBytes(16).toString('hex');
    const { result, statements } = await countStatements(t.rt.main, () => t.legacy({ s: 'App.Hello.World', app_key: appKey, name: 'x'.repeat(51) }, { unsigned: true }));
    expect({ ret: result.ret, msg: result.msg }).toEqual({ ret: 400, msg: `${P}name.len应该小于等于50, 但现在name.len = 51` });
    expect(statements).toEqual([]);
  });

  it('take a password of any 32 characters, on both faces alike', async () => {
    const password = md5('pw').toUpperCase();
    expect((await t.legacy({ s: 'App.User.Register', username: `upper_${kind}`, password })).data.err_code).toBe(0);
    const gql = await t.graphql<{ login: { __typename: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }', {
      u: `upper_${kind}`,
      p: password,
    });
    expect(gql.data?.login.__typename).toBe('MutationLoginSuccess');
  });
});
