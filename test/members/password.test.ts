/**
 * App.User.AlterPassword and GraphQL alterPassword: the old password must be the member's; the
 * member's sessions end with it; of concurrent changes with the same old password one wins.
 */
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { storeKinds } from '../support/stores.js';
import { useServer } from '../support/server.js';
import { member, P, session } from './support.js';

describe.each(await storeKinds())('password changes on %s', (kind) => {
  const t = useServer(kind);

  it('a new password for the right old one; the member’s sessions end; the old password no longer logs in', async () => {
    const m = await member(t);
    const next = md5('new secret');
    const env = await t.legacy({ s: 'App.User.AlterPassword', username: m.username, old_password: m.password, new_password: next }, { method: 'POST' });
    expect(env).toMatchObject({ ret: 200, data: { err_code: 0, err_msg: '' } });
    expect((await t.legacy({ s: 'App.User.Profile' }, { session: session(m) })).ret).toBe(401);
    expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: m.password })).data.err_code).toBe(1);
    expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: next })).data.err_code).toBe(0);
  });

  it('a wrong old password and an unknown username are the same err_code 1; nothing changes', async () => {
    const m = await member(t);
    const wrong = await t.legacy({ s: 'App.User.AlterPassword', username: m.username, old_password: md5('nope'), new_password: md5('x') });
    expect(wrong).toMatchObject({ ret: 200, data: { err_code: 1, err_msg: '密码修改失败，原密码错误或账号不存在' }, msg: '密码修改失败，原密码错误或账号不存在' });
    const nobody = await t.legacy({ s: 'App.User.AlterPassword', username: 'no_such_member', old_password: md5('nope'), new_password: md5('x') });
    expect(nobody.data).toEqual(wrong.data);
    // Another app's member of the same name is nobody here.
    const elsewhere = await member(t, { app: await t.newApp() });
    expect((await t.legacy({ s: 'App.User.AlterPassword', username: elsewhere.username, old_password: elsewhere.password, new_password: md5('x') })).data.err_code).toBe(1);
    expect((await t.legacy({ s: 'App.User.Profile' }, { session: session(m) })).ret).toBe(200);
    expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: m.password })).data.err_code).toBe(0);
  });

  it('parameter rules', async () => {
    const m = await member(t);
    const base = { s: 'App.User.AlterPassword', username: m.username, old_password: m.password, new_password: md5('z') };
    const without = (name: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== name));
    expect(await t.legacy(without('username'))).toMatchObject({ ret: 400, msg: `${P}缺少必要参数username` });
    expect(await t.legacy(without('old_password'))).toMatchObject({ ret: 400, msg: `${P}缺少必要参数old_password` });
    expect(await t.legacy(without('new_password'))).toMatchObject({ ret: 400, msg: `${P}缺少必要参数new_password` });
    expect(await t.legacy({ ...base, new_password: 'short' })).toMatchObject({ ret: 400, msg: `${P}new_password.len应该大于或等于32, 但现在new_password.len = 5` });
    expect(await t.legacy({ ...base, old_password: 'o'.repeat(33) })).toMatchObject({ ret: 400, msg: `${P}old_password.len应该小于等于32, 但现在old_password.len = 33` });
    expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: m.password })).data.err_code).toBe(0);
  });

  it('of concurrent changes with the same old password exactly one wins', async () => {
    const m = await member(t);
    const news = Array.from({ length: 6 }, (_, i) => md5(`racer ${i}`));
    const answers = await Promise.all(news.map((n) => t.legacy({ s: 'App.User.AlterPassword', username: m.username, old_password: m.password, new_password: n })));
    const winners = answers.flatMap((a, i) => (a.data.err_code === 0 ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => a.data.err_code === 1)).toHaveLength(5);
    for (const [i, n] of news.entries()) {
      expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: n })).data.err_code).toBe(i === winners[0] ? 0 : 1);
    }
  });

  it('GraphQL alterPassword: true, or a BusinessError; the same rules', async () => {
    const m = await member(t);
    const ALTER = `mutation($u: String!, $o: String!, $n: String!) { alterPassword(username: $u, oldPassword: $o, newPassword: $n) {
      __typename ... on MutationAlterPasswordSuccess { data } ... on BusinessError { errCode message } } }`;
    const next = md5('gql new');
    const bad = await t.graphql<{ alterPassword: unknown }>(ALTER, { u: m.username, o: md5('wrong'), n: next });
    expect(bad.data?.alterPassword).toEqual({ __typename: 'BusinessError', errCode: 1, message: '密码修改失败，原密码错误或账号不存在' });
    const short = await t.graphql(ALTER, { u: m.username, o: m.password, n: 'x' });
    expect(short.errors?.[0]).toMatchObject({ message: `${P}newPassword.len应该大于或等于32, 但现在newPassword.len = 1`, extensions: { ret: 400 } });
    const ok = await t.graphql<{ alterPassword: unknown }>(ALTER, { u: m.username, o: m.password, n: next }, { session: session(m) });
    expect(ok.data?.alterPassword).toEqual({ __typename: 'MutationAlterPasswordSuccess', data: true });
    expect((await t.graphql('{ me { uuid } }', undefined, { session: session(m) })).errors?.[0]?.extensions).toMatchObject({ ret: 401 });
    expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: next })).data.err_code).toBe(0);
  });
});
