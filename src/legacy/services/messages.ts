import { int, text } from '../../operations/input.js';
import { pageInput, postInput, postMessage, showMessages, type ThreadNode } from '../../operations/messages.js';
import { parseDataJson, parseSelect } from '../../where/index.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

/** A message as the platform answers it (docs/PROTOCOL.md §6.4); `child` only above the deepest level. */
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
  summary: 'A page of top-level messages (total counts them), each with its replies nested to the third level under child.',
  params: {
    message_key: rule(pageInput.shape.key, 'exact key of the thread, e.g. an article; every key when absent'),
    order: rule(int({ min: 1, max: 2 }).default(1), '1 oldest first, 2 newest first (post time, then id); replies too'),
    page: rule(pageInput.shape.page, 'page number'),
    perpage: rule(pageInput.shape.perpage, 'top-level messages per page'),
    more_select: rule(text().optional(), 'comma-separated extra columns to answer, e.g. uuid,add_time'),
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
  summary: 'Posts a message (HTML kept as text) or a reply to one of the first two levels; answers its id.',
  params: {
    message_content: rule(postInput.shape.content, 'the message; HTML is stored as given'),
    message_nickname: rule(postInput.shape.nickname, 'the author’s display name'),
    message_key: rule(postInput.shape.key, 'the thread’s key; a reply must name its parent’s key'),
    message_pid: rule(postInput.shape.parentId, 'the message replied to; 0 for a top-level message'),
    more_data: rule(text().optional(), 'JSON object of extra columns; system columns in it are ignored'),
  },
  async run(ctx, p) {
    const { message } = await postMessage(ctx, {
      content: p.message_content,
      nickname: p.message_nickname,
      key: p.message_key,
      parentId: p.message_pid,
      moreData: parseDataJson(p.more_data, 'more_data'),
    });
    return { id: message.id };
  },
});
