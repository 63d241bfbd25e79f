import { checkSession, credentialsInput, login, logout, register } from '../../operations/members.js';
import { TOKEN, UUID } from '../../guards/member.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

const credentials = {
  username: rule(credentialsInput.shape.username, 'login name, unique in the app'),
  password: rule(credentialsInput.shape.password, 'md5 of the password, lower-case hex as the SDKs send it'),
};

/** Check and Logout act on the session the caller presents; the member guard checks it. */
const session = {
  uuid: rule(UUID, 'the member’s uuid, from App.User.Login'),
  token: rule(TOKEN, 'the session token, from App.User.Login'),
};

export const memberRegister = defineService({
  name: 'App.User.Register',
  summary: 'Registers a member of the app; answers its uuid.',
  params: credentials,
  run: (ctx, p) => register(ctx, p),
});

export const memberLogin = defineService({
  name: 'App.User.Login',
  summary: 'Logs a member in; answers uuid, token and role.',
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
