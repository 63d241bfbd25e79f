import { MESSAGE_LIMITS, postMessage, showMessages, type ThreadNode } from '../../operations/messages.js';
import { parseDataJson, parseSelect } from '../../where/index.js';
import { int, str } from '../rules.js';
import { defineService } from '../service.js';

/** A comment as seed 001 answers it; `child` only above the deepest level. */
function legacyItem(node: ThreadNode, extras: readonly string[]): Record<string, unknown> {
  const m = node.message;
  const item: Record<string, unknown> = {
    id: m.id,
    message_nickname: m.nickname,
    message_content: m.content,
    message_post_time: m.postTime,
    message_pid: m.parentId,
  };
  for (const column of extras) if (!Object.hasOwn(item, column)) item[column] = m.values[column];
  if (node.children) item.child = node.children.map((c) => legacyItem(c, extras));
  return item;
}

export const messageShow = defineService({
  name: 'App.Market_Message.Show',
  summary: 'A page of top-level comments (total counts them), each with its replies nested to the third level under child.',
  params: {
    message_key: str({ max: MESSAGE_LIMITS.key, description: 'exact key of the thread, e.g. an article; every key when absent' }),
    order: int({ default: 1, min: 1, max: 2, description: '1 oldest first, 2 newest first (post time, then id); replies too' }),
    page: int({ default: 1, min: 1, max: MESSAGE_LIMITS.page, description: 'page number' }),
    perpage: int({ default: 10, min: 1, max: MESSAGE_LIMITS.perpage, description: 'top-level comments per page' }),
    more_select: str({ description: 'comma-separated extra columns to answer, e.g. uuid,add_time' }),
  },
  async run(ctx, p) {
    const moreSelect = parseSelect(p.more_select, 'more_select');
    const { total, items } = await showMessages(ctx, {
      key: p.message_key,
      order: p.order === 2 ? 'newest' : 'oldest',
      page: p.page,
      perpage: p.perpage,
      moreSelect,
    });
    return { total, items: items.map((n) => legacyItem(n, moreSelect ?? [])) };
  },
});

export const messagePost = defineService({
  name: 'App.Market_Message.Post',
  summary: 'Posts a comment (HTML kept as text) or a reply to one of the first two levels; answers its id.',
  params: {
    message_content: str({ required: true, max: MESSAGE_LIMITS.content, description: 'the comment; HTML is stored as given' }),
    message_nickname: str({ default: '', max: MESSAGE_LIMITS.nickname, description: 'the author’s display name' }),
    message_key: str({ default: '', max: MESSAGE_LIMITS.key, description: 'the thread’s key; a reply must name its parent’s key' }),
    message_pid: int({ default: 0, min: 0, description: 'the comment replied to; 0 for a top-level comment' }),
    more_data: str({ description: 'JSON object of extra columns; system columns in it are ignored' }),
  },
  async run(ctx, p) {
    const { id } = await postMessage(ctx, {
      content: p.message_content,
      nickname: p.message_nickname,
      key: p.message_key,
      parentId: p.message_pid,
      moreData: parseDataJson(p.more_data, 'more_data'),
    });
    return { id };
  },
});
