/**
 * The member module on the legacy face (App.User.*), with the platform's parameters and answer
 * fields: a profile is `info` (`info_list` for several), a list `users` (`members` for the
 * latest logins), each member with `role_desc`, `status` (0 normal, 1 banned), `status_desc`
 * and `ext_info`. docs/PROTOCOL.md (the member module) says what the pages leave open.
 */
import { adminSessionOf, TOKEN, UUID } from '../../guards/member.js';
import { int, readParam, text } from '../../operations/input.js';
import {
  alterPassword,
  banMember,
  changeRole,
  checkSession,
  countAppMembers,
  credentialsInput,
  extInfoTextInput,
  latestLoginInput,
  listMembers,
  login,
  logout,
  memberPageInput,
  memberProfile,
  memberProfiles,
  memberUuidInput,
  MULTI_PROFILE_MAX,
  ownProfile,
  passwordChangeInput,
  register,
  roleInput,
  updateExtInfo,
  type MemberProfile,
} from '../../operations/members.js';
import { parseJsonParam } from '../../json.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

const credentials = {
  username: rule(credentialsInput.shape.username, 'login name, unique in the app'),
  password: rule(credentialsInput.shape.password, 'md5 of the password, lower-case hex as the SDKs send it'),
};

/** Services acting on the caller's own session; the member guard checks it. */
const session = {
  uuid: rule(UUID, 'the member’s uuid, from App.User.Login'),
  token: rule(TOKEN, 'the session token, from App.User.Login'),
};

/** The session of an app admin, for the *ForAdmin services: absent or not live is a 411. */
const adminSession = {
  admin_uuid: rule(UUID.optional(), 'uuid of an admin of the app (a member whose role is admin), from App.User.Login'),
  admin_token: rule(TOKEN.optional(), 'that admin’s session token'),
};

const otherUuid = rule(memberUuidInput, 'the uuid of the member acted on');
const newRole = rule(roleInput, 'the new role: user or a custom group (lower-case letters, digits, _); admin only from the command line');

const ROLE_DESC: Readonly<Record<string, string>> = { user: '普通会员', admin: '管理员' };
const STATUS_DESC = ['正常', '已封号'] as const;

/** What every answered member carries; a custom group is its own description. */
function legacyMember(p: MemberProfile): Record<string, unknown> {
  return {
    uuid: p.uuid,
    username: p.username,
    role: p.role,
    role_desc: ROLE_DESC[p.role] ?? p.role,
    status: p.banned ? 1 : 0,
    status_desc: STATUS_DESC[p.banned ? 1 : 0],
    ext_info: p.extInfo,
  };
}

/** A profile (`info`) as Profile, OtherProfile, MultiProfile and the admin services answer it. */
function legacyProfile(p: MemberProfile): Record<string, unknown> {
  return { ...legacyMember(p), register_time: p.registeredAt, last_login_time: p.lastLoginAt ?? '' };
}

/** A member of GetList and FastGetUserLongList. */
function legacyListed(p: MemberProfile): Record<string, unknown> {
  return { ...legacyMember(p), reg_time: p.registeredAt };
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC) as unix seconds. */
function unixSeconds(at: string): number {
  return Math.floor(Date.parse(`${at.replace(' ', 'T')}Z`) / 1000);
}

const INTEGER = /^[+-]?\d+$/;

/**
 * perpage and num as the platform reads them: text that is not an integer counts as 0, an
 * empty list rather than a 400; an integer is held to its rule (at most 1000).
 */
function lenientCount(schema: typeof memberPageInput.shape.perpage, raw: string | undefined, name: string): number {
  if (raw !== undefined && raw.trim() !== '' && !INTEGER.test(raw.trim())) return 0;
  return readParam(schema, raw, name);
}

const perpage = rule(text().optional(), 'members per page, 0…1000 (default 20); text that is not an integer answers an empty list, as the platform does');

export const memberRegister = defineService({
  name: 'App.User.Register',
  summary: 'Registers a member of the app (role user); answers its uuid.',
  params: {
    ...credentials,
    ext_info: rule(extInfoTextInput.optional(), 'JSON object of the member’s extra fields, e.g. {"yesapi_nickname":"dog"}'),
  },
  run: (ctx, p) => register(ctx, { ...p, extInfo: p.ext_info?.trim() ? parseJsonParam(p.ext_info, 'ext_info') : undefined }),
});

export const memberLogin = defineService({
  name: 'App.User.Login',
  summary: 'Logs a member in; answers uuid, token and role. A banned member is refused (err_code 2).',
  params: credentials,
  run: (ctx, p) => login(ctx, p),
});

export const memberCheck = defineService({
  name: 'App.User.Check',
  summary: 'err_code 0 when uuid + token name a live session; err_code 1 when the member’s session has ended.',
  params: session,
  session: 'lenient',
  run: (ctx) => checkSession(ctx),
});

export const memberLogout = defineService({
  name: 'App.User.Logout',
  summary: 'Ends the session of uuid + token.',
  params: session,
  run: (ctx) => logout(ctx),
});

export const memberProfileService = defineService({
  name: 'App.User.Profile',
  summary: 'The signed-in member’s own profile as info: uuid, username, role, status, register_time, last_login_time, ext_info.',
  params: session,
  run: async (ctx) => ({ info: legacyProfile(await ownProfile(ctx)) }),
});

export const otherProfileService = defineService({
  name: 'App.User.OtherProfile',
  summary: 'The profile of another member of the app as info; {} (err_code 0) when the uuid names nobody.',
  params: { other_uuid: rule(memberUuidInput, 'the uuid of the member to show') },
  run: async (ctx, p) => {
    const found = await memberProfile(ctx, p.other_uuid);
    return { info: found ? legacyProfile(found) : {} };
  },
});

export const multiProfileService = defineService({
  name: 'App.User.MultiProfile',
  summary: `Profiles of several members as info_list, in the order asked; entries that are not 32 characters and uuids naming nobody are skipped (at most ${MULTI_PROFILE_MAX} uuids).`,
  params: { uuids: rule(text({ min: 1, max: 4000 }), 'comma-separated uuids') },
  run: async (ctx, p) => ({ info_list: (await memberProfiles(ctx, p.uuids.split(','), 'uuids')).map(legacyProfile) }),
});

export const updateExtInfoService = defineService({
  name: 'App.User.UpdateExtInfo',
  summary: 'Merges ext_info into the signed-in member’s, key by key; answers the merged ext_info.',
  params: {
    ...session,
    ext_info: rule(extInfoTextInput, 'JSON object of the fields to set, e.g. {"yesapi_avatar":"https://…"}'),
  },
  run: async (ctx, p) => ({ ext_info: (await updateExtInfo(ctx, parseJsonParam(p.ext_info, 'ext_info'), 'ext_info')).extInfo }),
});

export const alterPasswordService = defineService({
  name: 'App.User.AlterPassword',
  summary: 'Sets a new password for username when old_password is theirs; every session of the member ends.',
  params: {
    username: rule(passwordChangeInput.shape.username, 'the member’s login name'),
    old_password: rule(passwordChangeInput.shape.oldPassword, 'md5 of the current password'),
    new_password: rule(passwordChangeInput.shape.newPassword, 'md5 of the new password'),
  },
  run: (ctx, p) => alterPassword(ctx, { username: p.username, oldPassword: p.old_password, newPassword: p.new_password }),
});

export const getListService = defineService({
  name: 'App.User.GetList',
  summary: 'A page of the app’s members as users, with total; newest registration first unless sort_type=2.',
  params: {
    page: rule(memberPageInput.shape.page, 'page number'),
    perpage,
    sort_type: rule(int({ min: 1, max: 2 }).default(1), '1 newest registration first, 2 oldest first'),
    role: rule(roleInput.default('all'), 'only members of this role; all for every role'),
  },
  run: async (ctx, p) => {
    const count = lenientCount(memberPageInput.shape.perpage, p.perpage, 'perpage');
    const q = { page: p.page, perpage: count, role: p.role, order: p.sort_type === 2 ? ('oldest' as const) : ('newest' as const) };
    const [total, users] = await Promise.all([countAppMembers(ctx, q), listMembers(ctx, q)]);
    return { total, users: users.map(legacyListed) };
  },
});

export const fastLongListService = defineService({
  name: 'App.User.FastGetUserLongList',
  summary: 'A page of the app’s members as users in registration order (oldest first), without counting them all.',
  params: { page: rule(memberPageInput.shape.page, 'page number'), perpage },
  run: async (ctx, p) => {
    const count = lenientCount(memberPageInput.shape.perpage, p.perpage, 'perpage');
    return { users: (await listMembers(ctx, { page: p.page, perpage: count, order: 'oldest' })).map(legacyListed) };
  },
});

export const latestLoginsService = defineService({
  name: 'App.User.GetLastestLoginList',
  summary: 'The members who logged in last, latest first, as members, each with login_time (unix seconds).',
  params: { num: rule(text().optional(), 'how many, 0…1000 (default 20); text that is not an integer answers an empty list, as the platform does') },
  run: async (ctx, p) => {
    const num = lenientCount(latestLoginInput.shape.num, p.num, 'num');
    const members = await listMembers(ctx, { page: 1, perpage: num, order: 'lastLogin' });
    return { members: members.map((m) => ({ ...legacyMember(m), login_time: unixSeconds(m.lastLoginAt!) })) };
  },
});

export const changeRoleService = defineService({
  name: 'App.User.ChangeRole',
  summary: 'The signed-in admin (uuid + token) gives another member a new role; answers its profile as info. 411 for a guest, 412 for a member who is not an admin.',
  params: { other_uuid: otherUuid, new_role: newRole },
  run: async (ctx, p) => ({ info: legacyProfile(await changeRole(ctx, ctx.member, { uuid: p.other_uuid, role: p.new_role }, 'App.User.ChangeRole')) }),
});

export const changeRoleForAdminService = defineService({
  name: 'App.User.ChangeRoleForAdmin',
  summary: 'An admin (admin_uuid + admin_token) gives another member a new role; answers its profile as info.',
  params: { ...adminSession, other_uuid: otherUuid, new_role: newRole },
  run: async (ctx, p) => {
    const admin = await adminSessionOf(ctx.main, ctx.app, p.admin_uuid, p.admin_token);
    return { info: legacyProfile(await changeRole(ctx, admin, { uuid: p.other_uuid, role: p.new_role }, 'App.User.ChangeRoleForAdmin')) };
  },
});

export const banUserForAdminService = defineService({
  name: 'App.User.BanUserForAdmin',
  summary: 'An admin (admin_uuid + admin_token) bans a member, whose sessions end at once, or lets them back (user_status=0); answers its profile as info.',
  params: {
    ...adminSession,
    other_uuid: otherUuid,
    user_status: rule(int({ min: 0, max: 1 }).default(1), '1 banned, 0 normal again'),
  },
  run: async (ctx, p) => {
    const admin = await adminSessionOf(ctx.main, ctx.app, p.admin_uuid, p.admin_token);
    return { info: legacyProfile(await banMember(ctx, admin, { uuid: p.other_uuid, banned: p.user_status === 1 })) };
  },
});

export const MEMBER_SERVICES = [
  memberRegister,
  memberLogin,
  memberCheck,
  memberLogout,
  memberProfileService,
  otherProfileService,
  multiProfileService,
  updateExtInfoService,
  alterPasswordService,
  getListService,
  fastLongListService,
  latestLoginsService,
  changeRoleService,
  changeRoleForAdminService,
  banUserForAdminService,
];
