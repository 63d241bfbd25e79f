/** The access log: one line per request with service, ret, err_code, app and duration; no secrets. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { BASE, signedParams, testConfig } from '../support/server.js';
import { freshDatabase } from '../support/stores.js';

describe('access log', () => {
  it('writes one line per request on both faces when YESGRAPH_ACCESS_LOG=1, none otherwise', async () => {
    const db = await freshDatabase('sqlite');
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) }));
    for (const accessLog of [true, false]) {
      const rt = await startRuntime(testConfig(db.url, { accessLog }), log);
      lines.length = 0;
      try {
        const server = createServer(rt);
        const app = await rt.appRecords.create({ name: 'logged' });
        await server.fetch(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World', name: 'x' }, app)}`));
        await server.fetch(new Request(`${BASE}/?${new URLSearchParams({ s: 'App.Hello.World', app_key: app.appKey, sign: 'WRONG' })}`));
        await server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-app-key': app.appKey }, body: '{"query":"{ hello }"}' }));
        const requests = lines.filter((l) => l.msg === 'request');
        if (!accessLog) {
          expect(requests).toEqual([]);
          continue;
        }
        expect(requests).toHaveLength(3);
        expect(requests[0]).toMatchObject({ method: 'GET', path: '/', status: 200, service: 'App.Hello.World', ret: 200, errCode: 0, app: app.appKey });
        expect(requests[1]).toMatchObject({ service: 'App.Hello.World', ret: 409 });
        expect(requests[2]).toMatchObject({ method: 'POST', path: '/graphql', app: app.appKey });
        for (const r of requests) expect(typeof r.ms).toBe('number');
        expect(JSON.stringify(requests)).not.toContain(app.appSecret);
      } finally {
        await rt.close();
      }
    }
    await db.drop();
  });
});
