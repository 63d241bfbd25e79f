/** Members on the GraphQL face: register, login, logout, and `me` (null for a guest). */
import { credentialsInput, login, logout, register } from '../operations/members.js';
import { argsOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { opOf } from './context.js';

const Member = builder.objectRef<{ uuid: string }>('Member').implement({
  description: 'A member of the calling app.',
  fields: (t) => ({ uuid: t.exposeString('uuid') }),
});

const Session = builder.objectRef<{ uuid: string; token: string; role: string }>('Session').implement({
  description: 'A login: send uuid and token (x-uuid/x-token headers, or uuid/token parameters) to act as the member.',
  fields: (t) => ({
    uuid: t.exposeString('uuid'),
    token: t.exposeString('token'),
    role: t.exposeString('role'),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: Member,
    nullable: true,
    description: 'The signed-in member (x-uuid + x-token), or null for a guest.',
    resolve: (_root, _args, ctx) => {
      const m = opOf(ctx).member;
      return m ? { uuid: m.uuid } : null;
    },
  }),
);

builder.mutationFields((t) => ({
  register: t.field({
    type: Member,
    description: 'App.User.Register',
    errors: { types: [BusinessError] },
    args: t.validate({ username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) }, argsOf(credentialsInput)),
    resolve: (_root, args, ctx) => register(opOf(ctx), args),
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
}));
