/**
 * The files yesgraph serves itself, over its real entry points (server.fetch, and node:http for
 * the routing): the playground page and its GraphiQL files from the installed package, only from
 * this origin, off in production unless configured; the example frontend's build and its
 * config.json, with nothing outside the build reachable.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as bundle from '@graphql-yoga/render-graphiql/graphiql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ensureDemoApp } from '../../src/demo.js';
import { message } from '../../src/errors.js';
import { createExampleSite, EXAMPLE_PATH } from '../../src/http/examples.js';
import { withHistory } from '../../src/http/playground.js';
import { CLIENT_SOURCE } from '../../src/http/playground-client.js';
import { PLAYGROUND_CSP } from '../../src/http/playground-page.js';
import { BASE, useServer, type TestServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { useListening } from './chromium.js';

const kinds = await storeKinds();

function get(t: TestServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return t.fetch(new Request(`${BASE}${path}`, { method, headers }));
}

const page = (t: TestServer) => get(t, '/graphql', { accept: 'text/html' });

/** The settings the page carries in its inert JSON element. */
function settingsOf(html: string): { endpoint: string; assets: string; app: { appKey: string; appSecret: string; signMode: string } | null } {
  const json = /<script type="application\/json" id="yesgraph-playground">(.*?)<\/script>/s.exec(html)?.[1];
  if (!json) throw new Error('no settings in the page');
  return JSON.parse(json);
}

const ASSETS: Array<[string, string, string]> = [
  ['graphiql.js', 'text/javascript; charset=utf-8', withHistory(bundle.js)],
  ['graphiql.css', 'text/css; charset=utf-8', bundle.css],
  ['editor.worker.js', 'text/javascript; charset=utf-8', bundle.editorWorkerService],
  ['json.worker.js', 'text/javascript; charset=utf-8', bundle.jsonWorker],
  ['graphql.worker.js', 'text/javascript; charset=utf-8', bundle.graphqlWorker],
  ['playground.js', 'text/javascript; charset=utf-8', CLIENT_SOURCE],
];

describe.each(kinds)('%s', (kind) => {
  describe('the playground in development', () => {
    const t = useServer(kind, { demo: true });
    const http = useListening(() => t.server);

    it('is a page at /graphql whose every script and style is a file of /playground/, under a same-origin CSP', async () => {
      const res = await page(t);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${PLAYGROUND_CSP}">`);
      expect(PLAYGROUND_CSP).toContain("default-src 'none'");
      const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      expect(urls.sort()).toEqual(['/playground/favicon.ico', '/playground/graphiql.css', '/playground/graphiql.js', '/playground/playground.css', '/playground/playground.js']);
      expect(html).not.toMatch(/https?:\/\//);
      expect(settingsOf(html)).toMatchObject({ endpoint: '/graphql', assets: '/playground/' });
    });

    it('is prefilled with the demo app, and only with it', async () => {
      const before = settingsOf(await (await page(t)).text());
      expect(before.app).toBeNull();
      const { app } = await ensureDemoApp(t.rt.appRecords);
      const after = settingsOf(await (await page(t)).text());
      expect(after.app).toEqual({ appKey: app.appKey, appSecret: app.appSecret, signMode: 'dynamic' });
    });

    it('serves GraphiQL as the installed package ships it (its history plugin back in the list), and its own script', async () => {
      // The one change to the bundle: the plugin list yoga renders with gains GraphiQL's history.
      const patched = withHistory(bundle.js);
      expect(patched).not.toBe(bundle.js);
      expect(patched.length - bundle.js.length).toBeLessThan(10);
      for (const [name, type, body] of ASSETS) {
        const res = await get(t, `/playground/${name}`);
        expect(res.status, name).toBe(200);
        expect(res.headers.get('content-type'), name).toBe(type);
        expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
        expect(await res.text(), name).toBe(body);
      }
      const icon = await get(t, '/playground/favicon.ico');
      expect(icon.headers.get('content-type')).toBe('image/x-icon');
      expect(Buffer.from(await icon.arrayBuffer())).toEqual(Buffer.from(bundle.favicon.split(',')[1]!, 'base64'));
      const css = await (await get(t, '/playground/playground.css')).text();
      expect(css).toContain('.yg-bar');
    });

    it('answers 304 to a known ETag, HEAD without a body, gzip when asked, 405 to other methods, 404 to other names', async () => {
      const first = await get(t, '/playground/graphiql.css');
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]{22}"$/);
      expect(first.headers.get('cache-control')).toBe('no-cache');
      const again = await get(t, '/playground/graphiql.css', { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      const head = await get(t, '/playground/graphiql.css', {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(bundle.css)));
      expect(await head.text()).toBe('');
      const zipped = await get(t, '/playground/graphiql.css', { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toBe('accept-encoding');
      expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(bundle.css);
      const post = await get(t, '/playground/graphiql.css', {}, 'POST');
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      expect(await post.text()).toBe(message('FILE_METHOD_NOT_ALLOWED'));
      for (const path of ['/playground/', '/playground/nope.js', '/playground/graphiql.js/x', '/playground/%2e%2e%2fpackage.json']) {
        const res = await get(t, path);
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).toBe(message('FILE_NOT_FOUND'));
      }
    });

    it('compresses each file once for concurrent callers, every one of them getting the same bytes', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => get(t, '/playground/graphql.worker.js', { 'accept-encoding': 'gzip' }).then(async (r) => Buffer.from(await r.arrayBuffer()))),
      );
      for (const a of answers) expect(a.equals(answers[0]!)).toBe(true);
      expect(gunzipSync(answers[0]!).toString('utf8')).toBe(bundle.graphqlWorker);
      expect(answers[0]!.length).toBeLessThan(Buffer.byteLength(bundle.graphqlWorker) / 2);
    });

    it('takes its files past the legacy face over node:http, which keeps every other path', async () => {
      const js = await fetch(`${http.origin}/playground/playground.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await js.text()).toBe(CLIENT_SOURCE);
      const legacy = await fetch(`${http.origin}/playground?s=App.Hello.World`);
      expect(await legacy.json()).toMatchObject({ ret: 400, msg: expect.stringContaining('app_key') });
      const examples = await fetch(`${http.origin}/examples/comments/`);
      expect(((await examples.json()) as { ret: number }).ret).toBeTypeOf('number');
    });
  });

  describe('in production', () => {
    const t = useServer(kind, { production: true, demo: false, playground: false, graphqlIntrospection: false });

    it('has no playground: /graphql renders no page and /playground/ is the legacy face', async () => {
      await ensureDemoApp(t.rt.appRecords);
      const res = await page(t);
      expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect(await res.text()).not.toContain('yesgraph-playground');
      const file = await get(t, '/playground/graphiql.js');
      expect(file.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await file.json()) as { ret: number }).ret).toBeTypeOf('number');
    });
  });

  describe('in production with YESGRAPH_PLAYGROUND=1', () => {
    const t = useServer(kind, { production: true, demo: true, playground: true, graphqlIntrospection: true });

    it('serves the playground, never prefilled, even with a demo app', async () => {
      await ensureDemoApp(t.rt.appRecords);
      const html = await (await page(t)).text();
      expect(settingsOf(html).app).toBeNull();
      expect((await get(t, '/playground/graphiql.js', {}, 'HEAD')).status).toBe(200);
    });
  });

  describe('the example frontend', () => {
    const key = 'E'.repeat(32);
    const t = useServer(kind, { examplesApp: key });

    it('tells the page its app and endpoint, never cached', async () => {
      const res = await get(t, '/examples/comments/config.json');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ appKey: key, endpoint: '/graphql' });
    });

    it('redirects the bare path to the directory, keeping the query', async () => {
      const res = await get(t, '/examples/comments?key=post-1');
      expect(res.status).toBe(308);
      expect(res.headers.get('location')).toBe('/examples/comments/?key=post-1');
    });

    it('never reaches outside the build', async () => {
      for (const path of ['/examples/comments/..%2F..%2Fpackage.json', '/examples/comments/.gitignore', '/examples/comments/a%5C..%5Cb', '/examples/comments/%00', '/examples/comments/%E0%A4%A']) {
        const res = await get(t, path);
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).toBe(message('FILE_NOT_FOUND'));
      }
      // Dot segments, encoded or not, are resolved by the URL parser before routing: this is the legacy face's `/package.json`.
      const resolved = await get(t, '/examples/comments/%2e%2e/%2e%2e/package.json');
      expect(((await resolved.json()) as { ret: number }).ret).toBeTypeOf('number');
    });
  });
});

describe('configuration', () => {
  const env = { YESGRAPH_SECRET_KEY: 'k'.repeat(32), DATABASE_URL: 'sqlite::memory:' };

  it('has the playground on outside production (where introspection is), off in production unless YESGRAPH_PLAYGROUND=1', () => {
    expect(loadConfig({ ...env, NODE_ENV: 'development' }).playground).toBe(true);
    expect(loadConfig({ ...env, NODE_ENV: 'development', YESGRAPH_GRAPHQL_INTROSPECTION: '0' }).playground).toBe(false);
    expect(loadConfig({ ...env, NODE_ENV: 'development', YESGRAPH_PLAYGROUND: '0' }).playground).toBe(false);
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).playground).toBe(false);
    expect(loadConfig({ ...env, NODE_ENV: 'production', YESGRAPH_PLAYGROUND: '1' }).playground).toBe(true);
    expect(() => loadConfig({ ...env, YESGRAPH_PLAYGROUND: 'yes' })).toThrow(ConfigError);
  });

  it('serves the example only for an app_key', () => {
    expect(loadConfig(env).examplesApp).toBeUndefined();
    expect(loadConfig({ ...env, YESGRAPH_EXAMPLES_APP: 'A1'.repeat(16) }).examplesApp).toBe('A1'.repeat(16));
    expect(() => loadConfig({ ...env, YESGRAPH_EXAMPLES_APP: '1' })).toThrow('invalid configuration: YESGRAPH_EXAMPLES_APP: an app_key (32 letters and digits)');
    expect(() => loadConfig({ ...env, YESGRAPH_EXAMPLES_APP: '../'.repeat(11) })).toThrow(ConfigError);
  });
});

describe('the example build as files', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'yesgraph-example-'));
    outside = mkdtempSync(join(tmpdir(), 'yesgraph-outside-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'linked.txt'));
    symlinkSync(outside, join(root, 'assets', 'out'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const at = (path: string, headers: Record<string, string> = {}) => new Request(`${BASE}${path}`, { headers });

  it('serves index.html at the directory and the hashed assets as immutable', async () => {
    const site = createExampleSite('K'.repeat(32), '/graphql', root);
    const index = await site.answer(at(EXAMPLE_PATH), EXAMPLE_PATH);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toBe('<!doctype html><title>x</title>');
    const js = await site.answer(at(`${EXAMPLE_PATH}assets/index-abc.js`), `${EXAMPLE_PATH}assets/index-abc.js`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
  });

  it('refuses dot-files and whatever a symbolic link takes outside', async () => {
    const site = createExampleSite('K'.repeat(32), '/graphql', root);
    for (const path of ['.env', 'linked.txt', 'assets/out/secret.txt', 'assets', 'nope.js']) {
      const res = await site.answer(at(`${EXAMPLE_PATH}${path}`), `${EXAMPLE_PATH}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toBe(message('FILE_NOT_FOUND'));
    }
  });

  it('says how to build the example when there is no build', async () => {
    const site = createExampleSite('K'.repeat(32), '/graphql', join(root, 'missing'));
    const res = await site.answer(at(EXAMPLE_PATH), EXAMPLE_PATH);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(message('EXAMPLE_NOT_BUILT'));
  });
});
