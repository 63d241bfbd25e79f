/**
 * Messages (App.Market_Message.Show / .Post): `messages` pages top-level messages, and
 * `Comment.children` is recursive, so a client nests it as deep as it wants within the
 * server's depth limit; threads themselves stop at three levels. Each level is one statement,
 * batched by the request's `messages.children` loader. The type keeps its published name
 * `Comment`.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import {
  KEY_COLUMN,
  openMessages,
  pageInput,
  postInput,
  postMessage,
  THREAD_DEPTH,
  UUID_COLUMN,
  type Message,
  type MessageColumns,
  type MessageOrder,
  type Messages,
  type PageQuery,
} from '../operations/messages.js';
import { checkColumns, dataObject } from '../where/index.js';
import { argsOf, defaultOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { opOf } from './context.js';
import { selectsBelow } from './selections.js';

/**
 * A comment as the `Comment` type reads it. Its scalar fields that every Message holds are
 * getters over the message, so they are exposed fields: read as properties, with no resolver
 * call per field (src/graphql/schema.ts).
 */
class CommentParent {
  constructor(
    readonly message: Message,
    readonly level: number,
    readonly order: MessageOrder,
    readonly messages: Messages,
  ) {}
  get id(): number {
    return this.message.id;
  }
  get nickname(): string {
    return this.message.nickname;
  }
  get content(): string {
    return this.message.content;
  }
  get postTime(): string {
    return this.message.postTime;
  }
  get parentId(): number {
    return this.message.parentId;
  }
}

interface PageParent {
  readonly query: PageQuery;
  readonly messages: Messages;
}

const MessageOrderEnum = builder.enumType('MessageOrder', {
  description: 'Order of comments, and of the replies under each: by post time, then id.',
  values: {
    OLDEST_FIRST: { value: 'oldest' as const, description: 'Legacy order=1.' },
    NEWEST_FIRST: { value: 'newest' as const, description: 'Legacy order=2.' },
  },
});

const Comment = builder.objectRef<CommentParent>('Comment');

/** The columns a page reads beyond every Message's: all when some comment's `extra` may want one, else what `key` and `uuid` read, if selected. */
function columnsBelow(info: GraphQLResolveInfo): MessageColumns {
  if (selectsBelow(info, 'extra')) return 'all';
  const columns: string[] = [];
  if (selectsBelow(info, 'key')) columns.push(KEY_COLUMN);
  if (selectsBelow(info, 'uuid')) columns.push(UUID_COLUMN);
  return columns;
}

const inThread = (parent: Pick<CommentParent, 'level' | 'order' | 'messages'>) => (messages: Message[]): CommentParent[] =>
  messages.map((message) => new CommentParent(message, parent.level, parent.order, parent.messages));

Comment.implement({
  description: 'A comment of the calling app (a row of okayapi_message).',
  fields: (t) => ({
    id: t.exposeInt('id'),
    // Resolvers, not exposed getters: a Message read without these columns throws, and only a
    // resolver's throw becomes a field error (src/graphql/schema.ts).
    key: t.string({ description: 'The thread’s message_key.', resolve: (p) => p.message.key }),
    nickname: t.exposeString('nickname'),
    content: t.exposeString('content', { description: 'As posted: HTML is data, never rendered or cleaned.' }),
    postTime: t.exposeString('postTime', { description: "'YYYY-MM-DD HH:MM:SS', UTC." }),
    parentId: t.exposeInt('parentId', { description: '0 for a top-level comment.' }),
    level: t.exposeInt('level', { description: '1 for a top-level comment, up to 3; a level-3 comment takes no replies.' }),
    uuid: t.string({ description: 'The member who wrote it; empty for a guest.', resolve: (p) => p.message.uuid }),
    extra: t.field({
      type: 'JSON',
      nullable: true,
      description: 'An extra column of okayapi_message (as more_select answers it: integers as numbers, other values as text).',
      args: { column: t.arg.string({ required: true }) },
      resolve: async (p, { column }) => {
        checkColumns([column], p.messages.columns, 'column');
        if (Object.hasOwn(p.message.values, column)) return p.message.values[column];
        return (await p.messages.find(p.message.id))?.values[column] ?? null;
      },
    }),
    children: t.field({
      type: [Comment],
      description: 'The replies, in the order of the page. Empty on level 3.',
      resolve: async (p) =>
        p.level >= THREAD_DEPTH
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
    args: t.validate(
      {
        key: t.arg.string({ description: 'Exact message_key; every key when absent.' }),
        order: t.arg({ type: MessageOrderEnum, defaultValue: defaultOf(pageInput.shape.order) }),
        page: t.arg.int({ defaultValue: defaultOf(pageInput.shape.page) }),
        perpage: t.arg.int({ defaultValue: defaultOf(pageInput.shape.perpage) }),
      },
      argsOf(pageInput),
    ),
    resolve: async (_root, args, ctx, info) => ({
      messages: await openMessages(opOf(ctx), columnsBelow(info)),
      query: { ...args, key: args.key ?? undefined },
    }),
  }),
);

builder.mutationField('postMessage', (t) =>
  t.field({
    type: Comment,
    description: 'App.Market_Message.Post: a comment, or a reply to one of the first two levels under the same key.',
    errors: { types: [BusinessError] },
    args: t.validate(
      {
        content: t.arg.string({ required: true }),
        nickname: t.arg.string({ defaultValue: defaultOf(postInput.shape.nickname) }),
        key: t.arg.string({ defaultValue: defaultOf(postInput.shape.key) }),
        parentId: t.arg.int({ defaultValue: defaultOf(postInput.shape.parentId), description: '0 for a top-level comment.' }),
        moreData: t.arg({ type: 'JSON', description: 'Extra columns, e.g. {"site": "x"}; system columns in it are ignored.' }),
      },
      // moreData's shape is the condition language's (dataObject), as for the legacy more_data.
      argsOf(postInput.extend({ moreData: z.unknown().optional() })),
    ),
    resolve: async (_root, args, ctx) => {
      const op = opOf(ctx);
      const { moreData, ...input } = args;
      const posted = await postMessage(op, { ...input, moreData: moreData === null || moreData === undefined ? null : dataObject(moreData, 'moreData') });
      return new CommentParent(posted.message, posted.level, 'oldest', await openMessages(op));
    },
  }),
);
