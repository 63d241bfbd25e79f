import { checkSession, login, logout, register } from '../../operations/members.js';
import { str } from '../rules.js';
import { defineService } from '../service.js';

const credentials = {
  username: str({ required: true, min: 1, max: 50, description: 'login name' }),
  password: str({ required: true, min: 32, max: 32, description: 'lower-case md5 of the password' }),
};

export const userRegister = defineService({
  name: 'App.User.Register',
  summary: 'Registers a member of the app; answers its uuid.',
  params: credentials,
  run: (ctx, p) => register(ctx, p),
});

export const userLogin = defineService({
  name: 'App.User.Login',
  summary: 'Logs a member in; answers uuid, token and role.',
  params: credentials,
  run: (ctx, p) => login(ctx, p),
});

export const userCheck = defineService({
  name: 'App.User.Check',
  summary: 'err_code 0 when uuid + token name a live session, 1 otherwise.',
  params: {},
  session: 'lenient',
  run: (ctx) => checkSession(ctx),
});

export const userLogout = defineService({
  name: 'App.User.Logout',
  summary: 'Ends the session of uuid + token.',
  params: {},
  run: (ctx) => logout(ctx),
});
