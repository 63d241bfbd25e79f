/**
 * Members on the GraphQL face: `me` (the signed-in member's profile, null for a guest),
 * `member`, `membersByUuid`, and for admins `members`; the mutations register, login, logout,
 * updateExtInfo, alterPassword, and for admins changeRole and banMember; and `uniqueId`. The
 * admin is the signed-in member (x-uuid + x-token): 411 for a guest, 412 for a member who is
 * not an admin of the app, as on the legacy face. Business failures are `BusinessError`
 * members of each mutation's result union.
 */
import { z } from 'zod';
import {
  alterPassword,
  banMember,
  changeRole,
  countAppMembers,
  credentialsInput,
  listMembers,
  login,
  logout,
  memberPageInput,
  memberProfile,
  memberProfiles,
  memberUuidInput,
  ownProfile,
  passwordChangeInput,
  register,
  requireAdmin,
  roleInput,
  updateExtInfo,
  type MemberPage,
  type MemberProfile,
} from '../operations/members.js';
import { uniqueId } from '../operations/unique-id.js';
import type { OperationContext } from '../operations/context.js';
import { argsOf, defaultOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { opOf } from './context.js';

const Member = builder.objectRef<MemberProfile>('Member').implement({
  description: 'A member of the calling app. No field ever holds a password hash or a session token.',
  fields: (t) => ({
    uuid: t.exposeString('uuid'),
    username: t.exposeString('username'),
    role: t.exposeString('role', { description: '`user` (every new member), `admin`, or a custom group.' }),
    banned: t.exposeBoolean('banned', { description: 'Banned by an app admin: cannot log in, has no session.' }),
    registeredAt: t.exposeString('registeredAt', { description: "'YYYY-MM-DD HH:MM:SS', UTC." }),
    lastLoginAt: t.string({ nullable: true, description: "'YYYY-MM-DD HH:MM:SS', UTC; null before the first login.", resolve: (p) => p.lastLoginAt }),
    extInfo: t.field({ type: 'JSON', description: 'The member’s extra fields (a JSON object), the legacy ext_info.', resolve: (p) => p.extInfo }),
  }),
});

const Session = builder.objectRef<{ uuid: string; token: string; role: string }>('Session').implement({
  description: 'A login: send uuid and token (x-uuid/x-token headers, or uuid/token parameters) to act as the member.',
  fields: (t) => ({
    uuid: t.exposeString('uuid'),
    token: t.exposeString('token'),
    role: t.exposeString('role'),
  }),
});

const MemberListOrder = builder.enumType('MemberListOrder', {
  values: {
    NEWEST_FIRST: { value: 'newest', description: 'Latest registration first (App.User.GetList).' },
    OLDEST_FIRST: { value: 'oldest', description: 'Registration order (App.User.FastGetUserLongList).' },
    LAST_LOGIN: { value: 'lastLogin', description: 'Latest login first; members who never logged in are left out (App.User.GetLastestLoginList).' },
  } as const,
});

interface ListedMembers {
  readonly op: OperationContext;
  readonly query: MemberPage;
  readonly items: MemberProfile[];
}

const MemberList = builder.objectRef<ListedMembers>('MemberList').implement({
  fields: (t) => ({
    total: t.int({ description: 'Members the list pages through (counted only when asked for).', resolve: (l) => countAppMembers(l.op, l.query) }),
    items: t.field({ type: [Member], resolve: (l) => l.items }),
  }),
});

const uuidArg = { required: true, validate: memberUuidInput } as const;

builder.queryFields((t) => ({
  me: t.field({
    type: Member,
    nullable: true,
    description: 'App.User.Profile: the signed-in member (x-uuid + x-token), or null for a guest.',
    resolve: (_root, _args, ctx) => (opOf(ctx).member ? ownProfile(opOf(ctx)) : null),
  }),
  member: t.field({
    type: Member,
    nullable: true,
    description: 'App.User.OtherProfile: the member of that uuid in the calling app, or null.',
    args: { uuid: t.arg.string(uuidArg) },
    resolve: (_root, args, ctx) => memberProfile(opOf(ctx), args.uuid),
  }),
  membersByUuid: t.field({
    type: [Member],
    description: 'App.User.MultiProfile: the members of those uuids, in the order asked; uuids naming nobody are left out (at most 100).',
    args: { uuids: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => memberProfiles(opOf(ctx), args.uuids, 'uuids'),
  }),
  members: t.field({
    type: MemberList,
    description: 'App.User.GetList and friends, for an admin of the app (the signed-in member).',
    args: {
      page: t.arg.int({ defaultValue: defaultOf(memberPageInput.shape.page), validate: memberPageInput.shape.page }),
      perpage: t.arg.int({ defaultValue: defaultOf(memberPageInput.shape.perpage), validate: memberPageInput.shape.perpage }),
      role: t.arg.string({ description: 'Only members of this role.', validate: roleInput }),
      order: t.arg({ type: MemberListOrder, defaultValue: 'newest' }),
    },
    resolve: async (_root, args, ctx) => {
      const op = opOf(ctx);
      requireAdmin(op.member);
      const query: MemberPage = { page: args.page ?? 1, perpage: args.perpage ?? 20, role: args.role ?? undefined, order: args.order ?? 'newest' };
      return { op, query, items: await listMembers(op, query) };
    },
  }),
}));

const registerArgs = credentialsInput.extend({ extInfo: z.unknown().optional() });

builder.mutationFields((t) => ({
  register: t.field({
    type: Member,
    description: 'App.User.Register',
    errors: { types: [BusinessError] },
    args: t.validate(
      { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }), extInfo: t.arg({ type: 'JSON' }) },
      argsOf(registerArgs),
    ),
    resolve: async (_root, args, ctx) => {
      const op = opOf(ctx);
      const { uuid } = await register(op, args, 'extInfo');
      return (await memberProfile(op, uuid))!;
    },
  }),
  login: t.field({
    type: Session,
    description: 'App.User.Login',
    errors: { types: [BusinessError] },
    args: t.validate({ username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) }, argsOf(credentialsInput)),
    resolve: (_root, args, ctx) => login(opOf(ctx), args),
  }),
  logout: t.boolean({
    description: 'App.User.Logout: ends the session of x-uuid + x-token.',
    errors: { types: [BusinessError] },
    resolve: async (_root, _args, ctx) => {
      await logout(opOf(ctx));
      return true;
    },
  }),
  updateExtInfo: t.field({
    type: Member,
    description: 'App.User.UpdateExtInfo: merges extInfo (a JSON object) into the signed-in member’s, key by key.',
    errors: { types: [BusinessError] },
    args: { extInfo: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, args, ctx) => updateExtInfo(opOf(ctx), args.extInfo, 'extInfo'),
  }),
  alterPassword: t.boolean({
    description: 'App.User.AlterPassword: a new password when oldPassword is the member’s; every session of the member ends.',
    errors: { types: [BusinessError] },
    args: t.validate(
      { username: t.arg.string({ required: true }), oldPassword: t.arg.string({ required: true }), newPassword: t.arg.string({ required: true }) },
      argsOf(passwordChangeInput),
    ),
    resolve: async (_root, args, ctx) => {
      await alterPassword(opOf(ctx), args);
      return true;
    },
  }),
  changeRole: t.field({
    type: Member,
    description: 'App.User.ChangeRole: the signed-in admin gives the member of uuid a new role (user or a custom group; admin is set with `yesgraph member set-role`).',
    errors: { types: [BusinessError] },
    args: { uuid: t.arg.string(uuidArg), role: t.arg.string({ required: true, validate: roleInput }) },
    resolve: (_root, args, ctx) => {
      const op = opOf(ctx);
      return changeRole(op, op.member, { uuid: args.uuid, role: args.role }, 'App.User.ChangeRole', 'role');
    },
  }),
  banMember: t.field({
    type: Member,
    description: 'App.User.BanUserForAdmin: the signed-in admin bans the member of uuid (whose sessions end at once), or lets them back with banned: false.',
    errors: { types: [BusinessError] },
    args: { uuid: t.arg.string(uuidArg), banned: t.arg.boolean({ defaultValue: true }) },
    resolve: (_root, args, ctx) => {
      const op = opOf(ctx);
      return banMember(op, op.member, { uuid: args.uuid, banned: args.banned ?? true });
    },
  }),
  uniqueId: t.field({
    type: 'ID',
    description: 'App.Common_UniqueId.GetUniqueId: an id no other call answers (an integer below 2^53, as text).',
    resolve: async (_root, _args, ctx) => String(await uniqueId(opOf(ctx))),
  }),
}));
