/** Calls and shapes shared by the message suites. */
import type { Rendered } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import type { Envelope, TestServer } from '../support/server.js';
import { countStatements } from '../support/stores.js';

export const THREAD = `query Thread($key: String, $order: MessageOrder, $page: Int, $perpage: Int) {
  messages(key: $key, order: $order, page: $page, perpage: $perpage) {
    total
    items { ...C children { ...C children { ...C children { id } } } }
  }
}
fragment C on Comment { id nickname content postTime parentId level uuid }`;

export const POST = `mutation Post($content: String!, $nickname: String, $key: String, $parentId: Int, $moreData: JSON) {
  postMessage(content: $content, nickname: $nickname, key: $key, parentId: $parentId, moreData: $moreData) {
    __typename
    ... on MutationPostMessageSuccess { data { id key nickname content postTime parentId level uuid children { id } } }
    ... on BusinessError { errCode message }
  }
}`;

export interface GqlComment {
  id: number;
  key?: string;
  nickname: string;
  content: string;
  postTime: string;
  parentId: number;
  level: number;
  uuid: string;
  children: GqlComment[];
}

export interface ThreadResult {
  messages: { total: number; items: GqlComment[] };
}

export interface PostResult {
  postMessage: { __typename: string; data?: GqlComment; errCode?: number; message?: string };
}

export interface LegacyItem {
  id: number;
  message_nickname: string;
  message_content: string;
  message_post_time: string;
  message_pid: number;
  child?: LegacyItem[];
  [extra: string]: unknown;
}

/** A GraphQL comment in the legacy item shape; level 3 carries no `child`, as on the legacy face. */
export function asLegacy(c: GqlComment): LegacyItem {
  const item: LegacyItem = {
    id: c.id,
    message_nickname: c.nickname,
    message_content: c.content,
    message_post_time: c.postTime,
    message_pid: c.parentId,
  };
  if (c.level < 3) item.child = c.children.map(asLegacy);
  return item;
}

export function show(t: TestServer, params: Record<string, string | number> = {}): Promise<Envelope> {
  return t.legacy({ s: 'App.Market_Message.Show', ...params });
}

export function post(t: TestServer, params: Record<string, string | number>, options: Parameters<TestServer['legacy']>[1] = {}): Promise<Envelope> {
  return t.legacy({ s: 'App.Market_Message.Post', ...params }, options);
}

/**
 * The statements `fn` sends once the caches it relies on (the app, the table's columns) are
 * warm: `fn` runs once before it is counted.
 */
export async function warmCount<T>(store: Store, fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  await fn();
  return countStatements(store, fn);
}

/** The parameters of every statement that reads children (`message_pid IN (…)`) while `fn` runs. */
export async function childBatches(store: Store, fn: () => Promise<unknown>): Promise<unknown[][]> {
  await fn();
  const seen: Rendered[] = [];
  const off = store.onStatement((r) => seen.push(r));
  try {
    await fn();
  } finally {
    off();
  }
  return seen.filter((r) => r.text.includes('message_pid IN (')).map((r) => r.params);
}
