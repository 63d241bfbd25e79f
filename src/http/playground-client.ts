/**
 * The playground page's own script, as browser source text (served as /playground/playground.js).
 * It keeps the app's key and secret (and a member's session) in sessionStorage, so only in this
 * tab, and gives GraphiQL a fetcher that signs every request body the way the GraphQL face checks
 * it (docs/PROTOCOL.md §2.5): x-app-key, x-sign = upper-case md5(body + app_secret) for a dynamic
 * app, the static sign for a static one, nothing for an app whose signature is off. Member login
 * is one form: it sends the `login` mutation (password as its md5, as every client does) and then
 * x-uuid/x-token with every request.
 *
 * It runs before GraphiQL's bundle (both deferred, in order) because the editor reads
 * `MonacoEnvironment` to start its workers, which are files of /playground/ too.
 */
import { MD5_SOURCE } from './playground-md5.js';

/** The id of the page's JSON configuration element (see playground-page.ts). */
export const CONFIG_ELEMENT_ID = 'yesgraph-playground';

export const CLIENT_SOURCE = String.raw`(() => {
'use strict';
${MD5_SOURCE}
const config = JSON.parse(document.getElementById('${CONFIG_ELEMENT_ID}').textContent);

const WORKERS = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => config.assets + (WORKERS[label] || WORKERS.editorWorkerService),
};

const APP = 'yesgraph.playground.app';
const MEMBER = 'yesgraph.playground.member';
const read = (key) => { try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch { return null; } };
const write = (key, value) => value ? sessionStorage.setItem(key, JSON.stringify(value)) : sessionStorage.removeItem(key);

function currentApp() {
  return read(APP) || config.app || { appKey: '', appSecret: '', signMode: 'dynamic' };
}

/** The x-sign of a body: what the GraphQL face checks for the app's sign mode. */
function signOf(body, app) {
  if (app.signMode === 'off' || !app.appSecret) return '';
  if (app.signMode === 'static') return app.appSecret;
  return md5(body + app.appSecret).toUpperCase();
}

/** POSTs a JSON body, signed, with the member's session when there is one. */
async function post(body, editorHeaders) {
  const headers = new Headers(editorHeaders || {});
  headers.set('content-type', 'application/json');
  headers.set('accept', 'application/graphql-response+json, application/json');
  const app = currentApp();
  if (app.appKey) headers.set('x-app-key', app.appKey);
  const sign = signOf(body, app);
  if (sign) headers.set('x-sign', sign);
  const member = read(MEMBER);
  if (member) {
    headers.set('x-uuid', member.uuid);
    headers.set('x-token', member.token);
  }
  const response = await fetch(config.endpoint, { method: 'POST', headers, body, credentials: 'same-origin' });
  return response.json();
}

const fetcher = (params, options) => post(JSON.stringify(params), options && options.headers);

const LOGIN = 'mutation PlaygroundLogin($username: String!, $password: String!) { login(username: $username, password: $password) { ... on MutationLoginSuccess { data { uuid token } } ... on BusinessError { errCode message } } }';
const LOGOUT = 'mutation PlaygroundLogout { logout { ... on BusinessError { errCode message } } }';

function start() {
  const appForm = document.getElementById('yg-app');
  const memberForm = document.getElementById('yg-member');
  const session = document.getElementById('yg-session');
  const status = document.getElementById('yg-status');
  const say = (text) => { status.textContent = text; };

  const app = currentApp();
  appForm.appKey.value = app.appKey;
  appForm.appSecret.value = app.appSecret;
  appForm.signMode.value = app.signMode;
  const showSecret = () => {
    const mode = appForm.signMode.value;
    appForm.appSecret.closest('label').hidden = mode === 'off';
    document.getElementById('yg-secret-name').textContent = mode === 'static' ? 'static sign' : 'app_secret';
  };
  showSecret();
  appForm.addEventListener('input', () => {
    write(APP, { appKey: appForm.appKey.value.trim(), appSecret: appForm.appSecret.value, signMode: appForm.signMode.value });
    showSecret();
  });
  appForm.addEventListener('submit', (event) => event.preventDefault());

  const showMember = () => {
    const member = read(MEMBER);
    memberForm.hidden = !!member;
    session.hidden = !member;
    document.getElementById('yg-who').textContent = member ? member.username : '';
  };
  showMember();

  memberForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = memberForm.username.value.trim();
    say('Signing in…');
    try {
      const result = await post(JSON.stringify({ query: LOGIN, variables: { username, password: md5(memberForm.password.value) } }));
      const login = result.data && result.data.login;
      if (login && login.data) {
        write(MEMBER, { username, uuid: login.data.uuid, token: login.data.token });
        memberForm.password.value = '';
        say('');
      } else {
        say((login && login.message) || (result.errors && result.errors[0].message) || 'Sign-in failed');
      }
    } catch (err) {
      say(String(err));
    }
    showMember();
  });

  document.getElementById('yg-signout').addEventListener('click', async () => {
    try {
      await post(JSON.stringify({ query: LOGOUT }));
    } catch {
      // The session is forgotten here either way.
    }
    write(MEMBER, null);
    say('');
    showMember();
  });

  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), Object.assign({}, config.graphiql, { fetcher }));
}

document.addEventListener('DOMContentLoaded', start);
})();
`;
