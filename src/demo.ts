/**
 * The demo app a development server creates on first start, and the signed calls printed for
 * it so a newcomer can paste one. Remove it (or set YESGRAPH_DEMO=0) in production.
 */
import { dynamicSign, payloadSign } from './guards/sign.js';
import type { App, AppRecords } from './records/apps.js';

export async function ensureDemoApp(apps: AppRecords): Promise<{ app: App; created: boolean }> {
  const existing = (await apps.list()).find((a) => a.isDemo);
  if (existing) return { app: existing, created: false };
  const app = await apps.create({ name: 'demo', signMode: 'dynamic', isDemo: true });
  return { app, created: true };
}

/** `s` as one shell word, single-quoted. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A ready-to-paste signed legacy call of App.Hello.World. */
export function helloCurl(baseUrl: string, app: App): string {
  const params = new Map([
    ['s', 'App.Hello.World'],
    ['app_key', app.appKey],
    ['name', 'yesgraph'],
  ]);
  const sign = dynamicSign(params, app.appSecret);
  const query = [...params, ['sign', sign]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');
  return `curl -s ${shellQuote(`${baseUrl}/?${query}`)}`;
}

/** A ready-to-paste signed GraphQL call of `hello`. */
export function helloGraphQLCurl(baseUrl: string, app: App): string {
  const body = JSON.stringify({ query: '{ hello(name: "yesgraph") }' });
  return [
    `curl -s ${shellQuote(`${baseUrl}/graphql`)}`,
    `-H 'content-type: application/json'`,
    `-H ${shellQuote(`x-app-key: ${app.appKey}`)}`,
    `-H ${shellQuote(`x-sign: ${payloadSign(body, app.appSecret)}`)}`,
    `--data ${shellQuote(body)}`,
  ].join(' ');
}
