/**
 * The example frontend (examples/comments-web) in a real browser: built with vite's API as
 * `npm run examples:build` builds it, served by a listening yesgraph under /examples/comments/,
 * calling as an app whose signature is off and that runs only the documents the build published
 * (as README.md tells the operator to set it up). It loads a thread, posts a comment and replies
 * that show nested three levels (and are what the legacy face's Show answers), and pages through
 * top-level comments. Screenshots go to test-results/screenshots/.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { refuse } from '../../src/errors.js';
import { EXAMPLE_BUILD } from '../../src/http/examples.js';
import type { App } from '../../src/records/apps.js';
import { TrustedDocumentRecords } from '../../src/records/trusted-documents.js';
import { useServer, type TestServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { hasChromium, useChromium, useListening } from './chromium.js';

const kinds = await storeKinds();
const EXAMPLE = fileURLToPath(new URL('../../examples/comments-web/', import.meta.url));
/** What the example's codegen published: the operator loads it with `yesgraph app trust`. */
const PUBLISHED: Record<string, string> = JSON.parse(readFileSync(`${EXAMPLE}src/gql/persisted-documents.json`, 'utf8'));

interface Show {
  data: { total: number; items: Array<{ message_content: string; child: Array<{ message_content: string; child: Array<{ message_content: string }> }> }> };
}

/**
 * Top-level comments, oldest first (`nickname: content`, or just content), posted through the
 * platform's API: on the GraphQL API this app runs only the page's own documents.
 */
async function seed(t: TestServer, app: App, key: string, comments: string[]): Promise<void> {
  for (const comment of comments) {
    const [nickname, content] = comment.includes(': ') ? comment.split(': ', 2) : ['seed', comment];
    const r = await t.legacy({ s: 'App.Market_Message.Post', message_key: key, message_nickname: nickname!, message_content: content! }, { app });
    expect(r.data.err_code).toBe(0);
  }
}

describe.skipIf(!hasChromium())('the example frontend', () => {
  beforeAll(async () => {
    // What `npm run examples:build` does after type-checking: the build yesgraph serves.
    await build({ root: EXAMPLE, logLevel: 'warn' });
    expect(EXAMPLE_BUILD).toBe(`${EXAMPLE}dist/`);
  }, 120_000);

  describe.each(kinds)('%s', (kind) => {
    const appKey = randomBytes(16).toString('hex').toUpperCase();
    const t = useServer(kind, { examplesApp: appKey });
    const http = useListening(() => t.server);
    const browser = useChromium();
    let app: App;
    beforeAll(async () => {
      app = await t.rt.appRecords.import({ appKey, appSecret: randomBytes(16).toString('hex'), name: 'comments-web', signMode: 'off' });
      await new TrustedDocumentRecords(t.rt.main).replace(app.id, new Map(Object.entries(PUBLISHED)));
    });

    it('runs, for its app, only what the build published, and only by id', async () => {
      expect(Object.keys(PUBLISHED)).toHaveLength(2);
      const text = await t.graphql('{ hello(name: "x") }', {}, { app });
      expect(text.errors?.[0]?.message).toBe(refuse('GRAPHQL_DOCUMENT_NOT_TRUSTED').message);
      const asText = await t.graphql(Object.values(PUBLISHED)[0]!, { key: 'k', page: 1, perpage: 5 }, { app });
      expect(asText.errors?.[0]?.message).toBe(refuse('GRAPHQL_DOCUMENT_NOT_TRUSTED').message);
    });

    it('loads a thread, posts a comment and a reply to it and to the reply, and shows them nested three levels', async () => {
      const w = await browser.page(http.origin);
      const { page } = w;
      const key = `thread-${kind}`;
      await page.goto(`${http.origin}/examples/comments/?key=${key}`);
      await page.locator('#page-of', { hasText: 'Page 1 of 1' }).waitFor();
      expect(await page.textContent('#summary')).toBe(`0 comments on “${key}”`);

      await page.fill('#post-form [name=nickname]', 'ada');
      await page.fill('#post-form [name=content]', 'First! <b>not bold</b>');
      await page.click('#post-form button[type=submit]');
      const top = page.locator('#thread > li.comment[data-level="1"]');
      await top.waitFor();
      expect(await page.inputValue('#post-form [name=content]')).toBe('');

      await top.locator(':scope > article .reply').click();
      await page.fill('.reply-form textarea', 'A reply');
      await page.click('.reply-form button[type=submit]');
      const second = top.locator(':scope > ol.replies > li.comment[data-level="2"]');
      await second.waitFor();

      await second.locator(':scope > article .reply').click();
      await page.fill('.reply-form textarea', 'A reply to the reply');
      await page.click('.reply-form button[type=submit]');
      const third = second.locator(':scope > ol.replies > li.comment[data-level="3"]');
      await third.waitFor();

      expect(await top.locator(':scope > article .content').textContent()).toBe('First! <b>not bold</b>');
      expect(await top.locator('b:not(.nickname)').count()).toBe(0);
      expect(await second.locator(':scope > article .content').textContent()).toBe('A reply');
      expect(await third.locator(':scope > article .content').textContent()).toBe('A reply to the reply');
      // The third level takes no replies.
      expect(await third.locator('.reply').count()).toBe(0);
      expect(await page.textContent('#status')).toMatch(/^Reply #\d+ posted\.$/);

      // What the page wrote is what the platform's API answers.
      const shown = (await t.legacy({ s: 'App.Market_Message.Show', message_key: key }, { app })) as unknown as Show;
      expect(shown.data.items.map((c) => [c.message_content, c.child.map((r) => [r.message_content, r.child.map((rr) => rr.message_content)])])).toEqual([
        ['First! <b>not bold</b>', [['A reply', ['A reply to the reply']]]],
      ]);
      expect(w.external).toEqual([]);
      expect(w.errors).toEqual([]);
    }, 90_000);

    it('pages through the top-level comments, newest first, and keeps the page in the URL', async () => {
      const key = `paged-${kind}`;
      await seed(t, app, key, Array.from({ length: 12 }, (_, i) => `comment ${i + 1}`));
      const w = await browser.page(http.origin);
      const { page } = w;
      await page.goto(`${http.origin}/examples/comments/?key=${key}`);
      const contents = () => page.locator('#thread > li.comment > article .content').allTextContents();
      await page.locator('#page-of', { hasText: 'Page 1 of 3' }).waitFor();
      expect(await contents()).toEqual(['comment 12', 'comment 11', 'comment 10', 'comment 9', 'comment 8']);
      expect(await page.isDisabled('#newer')).toBe(true);

      await page.click('#older');
      await page.locator('#page-of', { hasText: 'Page 2 of 3' }).waitFor();
      expect(await contents()).toEqual(['comment 7', 'comment 6', 'comment 5', 'comment 4', 'comment 3']);
      expect(new URL(page.url()).searchParams.get('page')).toBe('2');

      await page.click('#older');
      await page.locator('#page-of', { hasText: 'Page 3 of 3' }).waitFor();
      expect(await contents()).toEqual(['comment 2', 'comment 1']);
      expect(await page.isDisabled('#older')).toBe(true);

      // A reload lands on the same page; a new comment goes to the top of page 1.
      await page.reload();
      await page.locator('#page-of', { hasText: 'Page 3 of 3' }).waitFor();
      await page.fill('#post-form [name=nickname]', 'grace');
      await page.fill('#post-form [name=content]', 'comment 13');
      await page.click('#post-form button[type=submit]');
      await page.locator('#page-of', { hasText: 'Page 1 of 3' }).waitFor();
      expect((await contents())[0]).toBe('comment 13');
      expect(await page.textContent('#summary')).toBe(`13 comments on “${key}”`);
      expect(w.external).toEqual([]);
      expect(w.errors).toEqual([]);
    }, 90_000);

    it('shows a refusal in the words of the API', async () => {
      const w = await browser.page(http.origin);
      const { page } = w;
      await page.goto(`${http.origin}/examples/comments/?key=${'k'.repeat(65)}`);
      await page.locator('#status.error').filter({ hasText: /\S/ }).waitFor();
      expect(await page.textContent('#status')).toContain('64');
      expect(w.external).toEqual([]);
    }, 60_000);

    it('looks right: a thread with replies, on the first of two pages', async () => {
      const key = 'welcome';
      await seed(t, app, key, [
        'linus: Older news',
        'margaret: Release notes for 0.2 are out',
        'alan: The roadmap for the next version',
        'barbara: We moved to a new server',
        'ken: Tips for new members',
        'grace: Weekly thread — what are you building?',
      ]);
      const w = await browser.page(http.origin);
      const { page } = w;
      await page.setViewportSize({ width: 900, height: 800 });
      await page.goto(`${http.origin}/examples/comments/?key=${key}`);
      await page.locator('#page-of', { hasText: 'Page 1 of 2' }).waitFor();
      await page.fill('#post-form [name=nickname]', 'ada');
      const newest = page.locator('#thread > li.comment').first();
      await newest.locator(':scope > article .reply').click();
      await page.fill('.reply-form textarea', 'A small CLI that turns my notes into a static site.');
      await page.click('.reply-form button[type=submit]');
      const reply = newest.locator('li.comment[data-level="2"]');
      await reply.waitFor();
      await page.fill('#post-form [name=nickname]', 'grace');
      await reply.locator(':scope > article .reply').click();
      await page.fill('.reply-form textarea', 'Nice! Does it watch the folder for changes?');
      await page.click('.reply-form button[type=submit]');
      await newest.locator('li.comment[data-level="3"]').waitFor();
      await w.screenshot(`comments-web-${kind}`);
      expect(w.errors).toEqual([]);
    }, 90_000);
  });
});
