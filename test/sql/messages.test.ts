/** SQL snapshots of the comment thread fixtures (test/messages): Show and Post on both faces. */
import { beforeAll, describe, expect, it } from 'vitest';
import { insertComments, SEED_ROWS } from '../messages/fixtures.js';
import { post, POST, show, THREAD, type PostResult, type ThreadResult } from '../messages/support.js';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { expectSnapshot, transcript } from './support.js';

const kinds = await storeKinds();

const SEED_KEY = '文章1';

describe.each(kinds)('comment thread SQL on %s', (kind) => {
  const t = useServer(kind);
  const main = () => ({ main: t.rt.main });

  beforeAll(async () => {
    await insertComments(t.rt.main, t.app.id, SEED_KEY, SEED_ROWS);
  });

  it('legacy Show of the seed thread', async () => {
    const { result, sql } = await transcript(main(), () => show(t, { message_key: SEED_KEY }));
    expect(result.ret).toBe(200);
    await expectSnapshot(sql, 'show-legacy', kind);
  });

  it('legacy Show of every key, newest first, second page, extra columns', async () => {
    const { result, sql } = await transcript(main(), () => show(t, { order: 2, page: 2, perpage: 2, more_select: 'uuid,add_time' }));
    expect(result.ret).toBe(200);
    await expectSnapshot(sql, 'show-legacy-paged', kind);
  });

  it('GraphQL messages of the seed thread', async () => {
    const { result, sql } = await transcript(main(), () => t.graphql<ThreadResult>(THREAD, { key: SEED_KEY }));
    expect(result.errors).toBeUndefined();
    expect(result.data?.messages.total).toBe(3);
    await expectSnapshot(sql, 'show-graphql', kind);
  });

  it('legacy Post of a reply', async () => {
    const { result, sql } = await transcript(main(), () => post(t, { message_content: '回复', message_key: SEED_KEY, message_pid: 9 }));
    expect(result.ret).toBe(200);
    expect(result.data.err_code).toBe(0);
    await expectSnapshot(sql, 'post-legacy', kind);
  });

  it('GraphQL postMessage of a reply', async () => {
    const { result, sql } = await transcript(main(), () => t.graphql<PostResult>(POST, { content: '回复', key: SEED_KEY, parentId: 9 }));
    expect(result.errors).toBeUndefined();
    expect(result.data?.postMessage.__typename).toBe('MutationPostMessageSuccess');
    await expectSnapshot(sql, 'post-graphql', kind);
  });
});
