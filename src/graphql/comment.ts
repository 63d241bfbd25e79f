/**
 * Comments (App.Market_Message.Show / .Post): `messages` pages top-level comments, and
 * `Comment.children` is recursive, so a client nests it as deep as it wants within the
 * server's depth limit; threads themselves stop at three levels. Each level is one statement,
 * batched by the request's `messages.children` loader.
 */
import { z } from 'zod';
import { MESSAGE_LIMITS, openMessages, postMessage, type Message, type MessageOrder, type Messages, type PageQuery } from '../operations/messages.js';
import { checkColumns, type Scalar } from '../where/index.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { opOf } from './context.js';

interface CommentParent {
  readonly message: Message;
  readonly level: number;
  readonly order: MessageOrder;
  readonly messages: Messages;
}

interface PageParent {
  readonly query: PageQuery;
  readonly messages: Messages;
}

/** Lengths in characters (code points), as the legacy face counts them. */
const chars = (max: number, min = 0) =>
  z.string().refine((s) => [...s].length >= min && [...s].length <= max, `must be ${min} to ${max} characters long`);

const MessageOrderEnum = builder.enumType('MessageOrder', {
  description: 'Order of comments, and of the replies under each: by post time, then id.',
  values: {
    OLDEST_FIRST: { value: 'oldest' as const, description: 'Legacy order=1.' },
    NEWEST_FIRST: { value: 'newest' as const, description: 'Legacy order=2.' },
  },
});

const Comment = builder.objectRef<CommentParent>('Comment');

const inThread = (parent: Omit<CommentParent, 'message'>) => (messages: Message[]): CommentParent[] =>
  messages.map((message) => ({ ...parent, message }));

Comment.implement({
  description: 'A comment of the calling app (a row of okayapi_message).',
  fields: (t) => ({
    id: t.int({ resolve: (p) => p.message.id }),
    key: t.string({ description: 'The thread’s message_key.', resolve: (p) => p.message.key }),
    nickname: t.string({ resolve: (p) => p.message.nickname }),
    content: t.string({ description: 'As posted: HTML is data, never rendered or cleaned.', resolve: (p) => p.message.content }),
    postTime: t.string({ description: "'YYYY-MM-DD HH:MM:SS', UTC.", resolve: (p) => p.message.postTime }),
    parentId: t.int({ description: '0 for a top-level comment.', resolve: (p) => p.message.parentId }),
    level: t.int({ description: '1 for a top-level comment, up to 3; a level-3 comment takes no replies.', resolve: (p) => p.level }),
    uuid: t.string({ description: 'The member who wrote it; empty for a guest.', resolve: (p) => p.message.uuid }),
    extra: t.field({
      type: 'JSON',
      nullable: true,
      description: 'An extra column of okayapi_message (as more_select answers it: integers as numbers, other values as text).',
      args: { column: t.arg.string({ required: true }) },
      resolve: (p, { column }) => {
        checkColumns([column], p.messages.columns, 'column');
        return p.message.values[column];
      },
    }),
    children: t.field({
      type: [Comment],
      description: 'The replies, in the order of the page. Empty on level 3.',
      resolve: async (p) =>
        p.level >= MESSAGE_LIMITS.depth
          ? []
          : inThread({ level: p.level + 1, order: p.order, messages: p.messages })(await p.messages.children(p.message, p.order)),
    }),
  }),
});

const MessagePage = builder.objectRef<PageParent>('MessagePage').implement({
  description: 'A page of top-level comments.',
  fields: (t) => ({
    total: t.int({ description: 'Top-level comments under the key (every key when none was given).', resolve: (p) => p.messages.total(p.query.key) }),
    items: t.field({
      type: [Comment],
      resolve: async (p) => inThread({ level: 1, order: p.query.order, messages: p.messages })(await p.messages.page(p.query)),
    }),
  }),
});

builder.queryField('messages', (t) =>
  t.field({
    type: MessagePage,
    description: 'App.Market_Message.Show: a page of top-level comments; nest `children` for the replies.',
    args: {
      key: t.arg.string({ description: 'Exact message_key; every key when absent.', validate: chars(MESSAGE_LIMITS.key) }),
      order: t.arg({ type: MessageOrderEnum, defaultValue: 'oldest' }),
      page: t.arg.int({ defaultValue: 1, validate: z.number().int().min(1).max(MESSAGE_LIMITS.page) }),
      perpage: t.arg.int({ defaultValue: 10, validate: z.number().int().min(1).max(MESSAGE_LIMITS.perpage) }),
    },
    resolve: async (_root, args, ctx) => ({
      messages: await openMessages(opOf(ctx)),
      query: { key: args.key ?? undefined, order: args.order ?? 'oldest', page: args.page ?? 1, perpage: args.perpage ?? 10 },
    }),
  }),
);

builder.mutationField('postMessage', (t) =>
  t.field({
    type: Comment,
    description: 'App.Market_Message.Post: a comment, or a reply to one of the first two levels under the same key.',
    errors: { types: [BusinessError] },
    args: {
      content: t.arg.string({ required: true, validate: chars(MESSAGE_LIMITS.content, 1) }),
      nickname: t.arg.string({ defaultValue: '', validate: chars(MESSAGE_LIMITS.nickname) }),
      key: t.arg.string({ defaultValue: '', validate: chars(MESSAGE_LIMITS.key) }),
      parentId: t.arg.int({ defaultValue: 0, description: '0 for a top-level comment.', validate: z.number().int().min(0) }),
      moreData: t.arg({
        type: 'JSON',
        description: 'Extra columns, e.g. {"site": "x"}; system columns in it are ignored.',
        validate: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      }),
    },
    resolve: async (_root, args, ctx) => {
      const op = opOf(ctx);
      const posted = await postMessage(op, {
        content: args.content,
        nickname: args.nickname ?? '',
        key: args.key ?? '',
        parentId: args.parentId ?? 0,
        moreData: (args.moreData as Record<string, Scalar> | null | undefined) ?? null,
      });
      const messages = await openMessages(op);
      const message = await messages.find(posted.id);
      if (!message) throw new Error(`comment ${posted.id} vanished after its INSERT`);
      return { message, level: posted.level, order: 'oldest' as const, messages };
    },
  }),
);
