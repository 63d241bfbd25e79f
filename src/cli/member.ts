/**
 * `yesgraph member …`: the operator's hand on an app's members. Making or unmaking an app admin
 * is reserved to the operator (the API answers 410 for it); admins then manage the other roles
 * and bans through the *ForAdmin services.
 */
import { isRoleName } from '../operations/members.js';
import { setMemberRole } from '../records/members.js';
import { defineCommand, UsageError } from './command.js';
import { out } from './output.js';
import { targetApp, withStore } from './store.js';

export const memberCommands = [
  defineCommand({
    name: 'member set-role',
    summary: "give a member of an app a role: admin (may call the admin services), user, or a custom group",
    details: 'Name the member with --uuid or --username. The new role applies to the member’s next call, sessions included.',
    options: {
      app: { type: 'string', value: 'APP_KEY', description: 'the app the member belongs to (needed when several apps exist)' },
      uuid: { type: 'string', value: 'UUID', description: 'the member’s uuid' },
      username: { type: 'string', value: 'NAME', description: 'the member’s login name' },
      role: { type: 'string', value: 'admin|user|…', description: 'the role: lower-case letters, digits and _, at most 16', required: true },
      json: { type: 'boolean', description: 'print one JSON object' },
    },
    async run(values) {
      if ((values.uuid === undefined) === (values.username === undefined)) throw new UsageError('name the member with exactly one of --uuid and --username');
      const role = values.role!;
      if (!isRoleName(role)) throw new UsageError(`--role must be lower-case letters, digits and _ (at most 16), not ${JSON.stringify(role)}`);
      const who = values.uuid !== undefined ? { uuid: values.uuid } : { username: values.username! };
      const row = await withStore(async (rt) => {
        const app = await targetApp(rt, values.app);
        const member = await setMemberRole(rt.main, app.id, who, role);
        if (!member) throw new Error(`app ${app.appKey} has no member with ${'uuid' in who ? `uuid ${who.uuid}` : `username ${who.username}`}`);
        return { app_key: app.appKey, uuid: member.uuid, username: member.username, role: member.role };
      });
      out(values.json ? JSON.stringify(row) : `${row.username} (${row.uuid}) of app ${row.app_key} now has the role ${row.role}`);
      return 0;
    },
  }),
];
