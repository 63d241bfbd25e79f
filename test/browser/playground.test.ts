/**
 * The playground in a real browser (headless Debian chromium) against a listening yesgraph:
 * GraphiQL renders from this server alone, a query typed into it is signed in the page and
 * answers, a wrong secret is refused, static and off apps work, and a member signs in in one step.
 * Screenshots go to test-results/screenshots/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { ensureDemoApp } from '../../src/demo.js';
import { payloadSign } from '../../src/guards/sign.js';
import type { App } from '../../src/records/apps.js';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { hasChromium, useChromium, useListening, type WatchedPage } from './chromium.js';

const kinds = await storeKinds();

/**
 * Replaces the operation editor's text (Monaco) with `query` on one line, prettified when asked,
 * and runs it; resolves with the request the page sent for it (recognised by `marker`).
 */
async function run(page: Page, query: string, options: { prettify?: boolean; marker?: string } = {}) {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(query);
  if (options.prettify) {
    await page.getByLabel(/^Prettify query/).click();
    await page.locator('.graphiql-query-editor .view-line').nth(2).waitFor();
    // Back to the start of the text, which was typed as one long line.
    await page.keyboard.press('ControlOrMeta+Home');
  }
  const marker = options.marker ?? JSON.stringify(query).slice(1, -1);
  // GraphiQL saves the editor's text to its tab state a moment after typing, and its history
  // records the tab's text when a query runs: as a user does, wait for it before running.
  await page.waitForFunction((text) => (localStorage.getItem('graphiql:query') ?? '').includes(text), options.marker ?? query);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/graphql') && (r.postData() ?? '').includes(marker));
  await page.click('.graphiql-execute-button');
  return sent;
}

/** The result pane once it holds `text`. */
async function resultWith(page: Page, text: string): Promise<string> {
  const pane = page.locator('.graphiql-response');
  await pane.filter({ hasText: text }).waitFor();
  // The editor lays text out with no-break spaces and wraps long lines: compared as words.
  return (await pane.innerText()).replace(/\s+/g, ' ');
}

/** Loads the playground: 9 MB of GraphiQL to parse, slow on a busy machine the first time. */
async function openPlayground(w: WatchedPage, origin: string): Promise<void> {
  await w.page.goto(`${origin}/graphql`, { waitUntil: 'commit' });
  await w.page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 40_000 });
}

async function setApp(page: Page, app: { appKey: string; signMode: string; secret: string }): Promise<void> {
  await page.fill('#yg-app [name=appKey]', app.appKey);
  await page.selectOption('#yg-app [name=signMode]', app.signMode);
  if (app.signMode !== 'off') await page.fill('#yg-app [name=appSecret]', app.secret);
}

describe.skipIf(!hasChromium()).each(kinds)('%s', (kind) => {
  const t = useServer(kind, { demo: true });
  const http = useListening(() => t.server);
  const browser = useChromium();
  let demo: App;

  const open = async () => {
    demo ??= (await ensureDemoApp(t.rt.appRecords)).app;
    const w = await browser.page(http.origin);
    await openPlayground(w, http.origin);
    return w;
  };

  it('renders GraphiQL from this server alone, prefilled with the demo app, and a query typed into it answers, signed in the page', async () => {
    const w = await open();
    const { page } = w;
    expect(await page.inputValue('#yg-app [name=appKey]')).toBe(demo.appKey);
    expect(await page.inputValue('#yg-app [name=appSecret]')).toBe(demo.appSecret);
    expect(await page.inputValue('#yg-app [name=signMode]')).toBe('dynamic');

    const request = await run(page, '{ hello(name: "browser") }');
    expect(await resultWith(page, 'Hi browser')).toContain('"hello": "Hi browser');
    const headers = await request.allHeaders();
    expect(headers['x-app-key']).toBe(demo.appKey);
    // The page's md5, on the wire, is the server's.
    expect(headers['x-sign']).toBe(payloadSign(request.postData()!, demo.appSecret));

    // The docs explorer reads the schema the page loaded through its signed fetcher.
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.locator('.graphiql-doc-explorer').getByText('Root Types').waitFor();
    await page.locator('.graphiql-doc-explorer a', { hasText: 'Query' }).first().click();
    await page.locator('.graphiql-doc-explorer').getByText('messages', { exact: true }).waitFor();
    // …and the history keeps what ran.
    await page.click('button[aria-label="Show History"]');
    await page.locator('.graphiql-history-item', { hasText: 'hello(name: "browser")' }).waitFor();
    await w.screenshot(`playground-hello-${kind}`);

    expect(w.external).toEqual([]);
    expect(w.errors).toEqual([]);
    // The secret stays in the tab: nothing of it in localStorage.
    const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(local).not.toContain(demo.appSecret);
  }, 90_000);

  it('signs with what the form holds: a wrong secret is refused, static and off apps answer', async () => {
    const w = await open();
    const { page } = w;
    await setApp(page, { appKey: demo.appKey, signMode: 'dynamic', secret: 'not-the-secret' });
    await run(page, '{ hello(name: "wrong") }');
    expect(await resultWith(page, 'BAD_SIGNATURE')).toContain('"ret": 409');

    const fixed = await t.newApp('static');
    await setApp(page, { appKey: fixed.appKey, signMode: 'static', secret: fixed.staticSign! });
    const staticRequest = await run(page, '{ hello(name: "static") }');
    await resultWith(page, 'Hi static');
    expect((await staticRequest.allHeaders())['x-sign']).toBe(fixed.staticSign);

    const open_ = await t.newApp('off');
    await setApp(page, { appKey: open_.appKey, signMode: 'off', secret: '' });
    expect(await page.isHidden('#yg-app [name=appSecret]')).toBe(true);
    const offRequest = await run(page, '{ hello(name: "off") }');
    await resultWith(page, 'Hi off');
    expect((await offRequest.allHeaders())['x-sign']).toBeUndefined();

    // What the form holds is kept for this tab only.
    const session = await page.evaluate(() => sessionStorage.getItem('yesgraph.playground.app'));
    expect(JSON.parse(session!)).toMatchObject({ appKey: open_.appKey, signMode: 'off' });
    expect(w.external).toEqual([]);
    expect(w.errors).toEqual([]);
  }, 90_000);

  it('signs a member in in one step, sends the session with every request, and signs out', async () => {
    const w = await open();
    const { page } = w;
    const password = md5('correct horse');
    const registered = await t.graphql<{ register: { data: { uuid: string } } }>(
      'mutation R($u: String!, $p: String!) { register(username: $u, password: $p) { ... on MutationRegisterSuccess { data { uuid } } } }',
      { u: 'ada', p: password },
      { app: demo },
    );
    const uuid = registered.data!.register.data.uuid;
    await t.graphql('mutation P($c: String!, $p: Int!) { postMessage(key: "post-1", nickname: "ada", content: $c, parentId: $p) { __typename } }', { c: 'Hello from the playground', p: 0 }, { app: demo });

    await page.fill('#yg-member [name=username]', 'ada');
    await page.fill('#yg-member [name=password]', 'correct horse');
    await page.click('#yg-member button[type=submit]');
    await page.locator('#yg-session', { hasText: 'ada' }).waitFor();
    expect(await page.isHidden('#yg-member')).toBe(true);
    const member = JSON.parse((await page.evaluate(() => sessionStorage.getItem('yesgraph.playground.member')))!);
    expect(member).toMatchObject({ username: 'ada', uuid });

    const query = 'query Thread { me { uuid } messages(key: "post-1", perpage: 5) { total items { id nickname content postTime } } }';
    const request = await run(page, query, { prettify: true, marker: 'query Thread' });
    expect(await resultWith(page, uuid)).toContain('Hello from the playground');
    const headers = await request.allHeaders();
    expect({ uuid: headers['x-uuid'], token: headers['x-token'] }).toEqual({ uuid, token: member.token });
    // Once the editor's scrollbar, shown while it scrolled back, has faded.
    await page.locator('.graphiql-query-editor .scrollbar.horizontal.invisible').first().waitFor({ state: 'attached' });
    await page.waitForTimeout(1000); // its fade-out transition: only for the picture
    await w.screenshot(`playground-member-${kind}`);

    const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(local).not.toContain(member.token);

    await page.click('#yg-signout');
    await page.locator('#yg-member').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('yesgraph.playground.member'))).toBeNull();
    // The session ended on the server too.
    const after = await t.graphql<{ me: unknown }>('{ me { uuid } }', {}, { app: demo, session: { uuid, token: member.token } });
    expect(after.errors?.[0]?.extensions?.ret).toBe(401);
    expect(w.external).toEqual([]);
    expect(w.errors).toEqual([]);
  }, 90_000);

  it('says why a sign-in failed', async () => {
    const w = await open();
    await w.page.fill('#yg-member [name=username]', 'nobody');
    await w.page.fill('#yg-member [name=password]', 'wrong');
    await w.page.click('#yg-member button[type=submit]');
    await w.page.locator('#yg-status').filter({ hasText: /\S/ }).waitFor();
    expect(await w.page.isVisible('#yg-member')).toBe(true);
    expect(await w.page.evaluate(() => sessionStorage.getItem('yesgraph.playground.member'))).toBeNull();
  }, 90_000);
});
