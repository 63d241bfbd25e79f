/** Comment rows for the message suites, written straight into okayapi_message. */
import { join, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';

export interface Row {
  readonly id: number;
  readonly pid: number;
  readonly time: string;
  readonly nickname?: string;
  readonly content?: string;
}

/** Inserts comments of one app under one key, with explicit ids. */
export async function insertComments(store: Store, appId: number, key: string, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows
      .slice(i, i + 200)
      .map((r) => sql`(${r.id}, ${appId}, ${key}, ${r.nickname ?? 'dogstar'}, ${r.content ?? 'test'}, ${r.pid}, ${r.time}, ${r.time}, ${r.time})`);
    await store.execute(sql`INSERT INTO okayapi_message
(id, app_id, message_key, message_nickname, message_content, message_pid, message_post_time, add_time, update_time) VALUES ${join(values)}`);
  }
}

/** The thread of the comment example (docs/PROTOCOL.md §6.4). */
export const SEED_ROWS: readonly Row[] = [
  { id: 8, pid: 0, time: '2018-12-02 11:21:27' },
  { id: 9, pid: 0, time: '2018-12-02 11:21:28' },
  { id: 10, pid: 0, time: '2018-12-02 11:21:29' },
  { id: 11, pid: 9, time: '2018-12-02 11:21:45' },
  { id: 12, pid: 9, time: '2018-12-02 11:21:50' },
  { id: 13, pid: 11, time: '2018-12-02 11:22:00' },
  { id: 14, pid: 11, time: '2018-12-02 11:35:13' },
];

/** Seed 001's example answer (`data`), verbatim. */
export const SEED_ANSWER = {
  err_code: 0,
  err_msg: '',
  total: 3,
  items: [
    { id: 8, message_nickname: 'dogstar', message_content: 'test', message_post_time: '2018-12-02 11:21:27', message_pid: 0, child: [] },
    {
      id: 9,
      message_nickname: 'dogstar',
      message_content: 'test',
      message_post_time: '2018-12-02 11:21:28',
      message_pid: 0,
      child: [
        {
          id: 11,
          message_nickname: 'dogstar',
          message_content: 'test',
          message_post_time: '2018-12-02 11:21:45',
          message_pid: 9,
          child: [
            { id: 13, message_nickname: 'dogstar', message_content: 'test', message_post_time: '2018-12-02 11:22:00', message_pid: 11 },
            { id: 14, message_nickname: 'dogstar', message_content: 'test', message_post_time: '2018-12-02 11:35:13', message_pid: 11 },
          ],
        },
        { id: 12, message_nickname: 'dogstar', message_content: 'test', message_post_time: '2018-12-02 11:21:50', message_pid: 9, child: [] },
      ],
    },
    { id: 10, message_nickname: 'dogstar', message_content: 'test', message_post_time: '2018-12-02 11:21:29', message_pid: 0, child: [] },
  ],
};

/**
 * A full thread: `top` top-level comments, two replies under each and two replies under each
 * reply, ids from `firstId` on, one second apart in id order.
 */
export function bigThread(top: number, firstId: number): Row[] {
  const rows: Row[] = [];
  let id = firstId;
  const at = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const add = (pid: number) => {
    const row = { id, pid, time: at(id) };
    id++;
    rows.push(row);
    return row.id;
  };
  const tops = Array.from({ length: top }, () => add(0));
  const replies = tops.flatMap((p) => [add(p), add(p)]);
  for (const p of replies) {
    add(p);
    add(p);
  }
  return rows;
}
