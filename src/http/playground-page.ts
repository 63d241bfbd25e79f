/**
 * The playground's HTML page and its stylesheet: a bar that asks for the app (key, sign mode,
 * secret) and signs a member in, above GraphiQL. Every script and style is a file of
 * /playground/ (nothing from outside: the Content-Security-Policy allows only this origin), and
 * the page's settings travel as JSON in an inert script element.
 */
import type { GraphiQLOptions } from 'graphql-yoga';
import { CONFIG_ELEMENT_ID } from './playground-client.js';

/** Where the playground's files are served. */
export const PLAYGROUND_ASSETS = '/playground/';

export interface PlaygroundApp {
  readonly appKey: string;
  /** The app secret (dynamic), the static sign (static), or '' (off). */
  readonly appSecret: string;
  readonly signMode: 'dynamic' | 'static' | 'off';
}

export interface PlaygroundSettings {
  readonly graphiql: GraphiQLOptions;
  /** The GraphQL endpoint the page posts to. */
  readonly endpoint: string;
  /** Prefilled in the form (the demo app in development), or null. */
  readonly app: PlaygroundApp | null;
}

/**
 * Only this origin: GraphiQL's styles set inline styles and its fonts and icons are data: URLs;
 * its editor starts workers from /playground/.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the script element it sits in. */
function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function playgroundPage(settings: PlaygroundSettings): string {
  const a = PLAYGROUND_ASSETS;
  const config = { ...settings, assets: a };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PLAYGROUND_CSP}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(settings.graphiql.title ?? 'yesgraph')} playground</title>
<link rel="icon" href="${a}favicon.ico">
<link rel="stylesheet" href="${a}graphiql.css">
<link rel="stylesheet" href="${a}playground.css">
<script type="application/json" id="${CONFIG_ELEMENT_ID}">${inertJson(config)}</script>
<script defer src="${a}playground.js"></script>
<script defer src="${a}graphiql.js"></script>
</head>
<body class="no-focus-outline">
<header class="yg-bar">
  <form id="yg-app" class="yg-group" autocomplete="off">
    <strong class="yg-name">yesgraph</strong>
    <label>app_key <input name="appKey" size="34" spellcheck="false"></label>
    <label>sign <select name="signMode"><option value="dynamic">dynamic</option><option value="static">static</option><option value="off">off</option></select></label>
    <label><span id="yg-secret-name">app_secret</span> <input name="appSecret" type="password" size="24" spellcheck="false" autocomplete="off"></label>
  </form>
  <form id="yg-member" class="yg-group">
    <span>member</span>
    <label>username <input name="username" size="12" autocomplete="username" required></label>
    <label>password <input name="password" type="password" size="12" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
  <div id="yg-session" class="yg-group" hidden>member <b id="yg-who"></b> <button type="button" id="yg-signout">Sign out</button></div>
  <output id="yg-status" role="status"></output>
  <small class="yg-note">The secret stays in this tab; each request is signed here.</small>
</header>
<div id="root"></div>
<noscript>The playground needs JavaScript.</noscript>
</body>
</html>
`;
}

export const PLAYGROUND_CSS = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; overflow: hidden; font-family: system-ui, sans-serif; }
#root { flex: 1; min-height: 0; }
/* GraphiQL's containers take the whole viewport (100vh, 100vw); here they share it with the bar. */
#root .graphiql-container { height: 100%; width: 100%; }
.yg-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; padding: 8px 14px;
  border-bottom: 1px solid #d6d9e0; background: #f6f7f9; font-size: 13px; color: #2b2f36; }
.yg-group { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 0; }
.yg-group label { display: flex; align-items: center; gap: 4px; }
.yg-bar input, .yg-bar select, .yg-bar button { font: inherit; padding: 3px 6px; border: 1px solid #b9bec8; border-radius: 4px; background: #fff; }
.yg-bar input[name=appKey] { font-family: ui-monospace, monospace; }
.yg-bar button { cursor: pointer; background: #e10098; border-color: #e10098; color: #fff; }
.yg-name { color: #e10098; font-size: 15px; }
#yg-status { color: #b00020; }
.yg-note { color: #6b7280; margin-left: auto; }
[hidden] { display: none !important; }
`;
