/**
 * GET /metrics: per-service counters and latency of both faces and Node's process metrics, only
 * with YESGRAPH_METRICS_TOKEN set and only for a request that carries it; through server.fetch
 * and through the node:http listener.
 */
import type { Server } from 'node:http';
import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CONFLICT_RETRY, retryConflicts } from '../../src/db/retry.js';
import { listen } from '../../src/server.js';
import { BASE, signedParams, useServer, type Envelope } from '../support/server.js';

const TOKEN = 'metrics-token-0123456789';

function scrape(t: { fetch(r: Request): Promise<Response> }, authorization?: string): Promise<Response> {
  return t.fetch(new Request(`${BASE}/metrics`, { headers: authorization ? { authorization } : {} }));
}

/** The value of one sample line, `name{labels} value`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics exposed with YESGRAPH_METRICS_TOKEN', () => {
  const t = useServer('sqlite', { metricsToken: TOKEN });

  it('counts calls per face, service and ret, with their latency, after calls on both faces', async () => {
    for (let i = 0; i < 3; i++) expect((await t.legacy({ s: 'App.Hello.World' })).ret).toBe(200);
    await t.fetch(new Request(`${BASE}/?${new URLSearchParams({ s: 'App.Hello.World', app_key: t.app.appKey, sign: '0'.repeat(32) })}`));
    // A service name the caller made up is counted, under `unknown`: callers cannot add series.
    await t.legacy({ s: 'App.Made.Up' });
    for (let i = 0; i < 2; i++) expect((await t.graphql('{ hello }')).data).toEqual({ hello: expect.any(String) });
    await t.graphql('{ hello me { uuid } }');

    const res = await scrape(t, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'yesgraph_calls_total{face="legacy",service="App.Hello.World",ret="200"}')).toBe(3);
    expect(sample(text, 'yesgraph_calls_total{face="legacy",service="App.Hello.World",ret="409"}')).toBe(1);
    expect(sample(text, 'yesgraph_calls_total{face="legacy",service="unknown",ret="404"}')).toBe(1);
    expect(sample(text, 'yesgraph_calls_total{face="graphql",service="query hello",ret="200"}')).toBe(2);
    expect(sample(text, 'yesgraph_calls_total{face="graphql",service="query (several)",ret="200"}')).toBe(1);
    expect(sample(text, 'yesgraph_call_duration_seconds_count{face="legacy",service="App.Hello.World"}')).toBe(4);
    expect(sample(text, 'yesgraph_call_duration_seconds_bucket{le="+Inf",face="graphql",service="query hello"}')).toBe(2);
    expect(sample(text, 'yesgraph_call_duration_seconds_sum{face="graphql",service="query hello"}')).toBeGreaterThan(0);
    expect(text).not.toContain('App.Made.Up');
    // Node's own, once per process.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // No app key, no secret.
    expect(text).not.toContain(t.app.appKey);
    expect(text).not.toContain(t.app.appSecret);
  });

  it('takes a metric a later feature adds to the registry', async () => {
    const later = new Counter({ name: 'yesgraph_later_feature_total', help: 'test', registers: [t.rt.metrics.registry] });
    later.inc(2);
    expect(sample(await (await scrape(t, `Bearer ${TOKEN}`)).text(), 'yesgraph_later_feature_total')).toBe(2);
  });

  it('counts write conflicts retried on the main store per path, every path shown from 0', async () => {
    const before = await (await scrape(t, `Bearer ${TOKEN}`)).text();
    for (const path of Object.keys(CONFLICT_RETRY)) expect(sample(before, `yesgraph_write_retries_total{path="${path}"}`), path).toBe(0);
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const result = await retryConflicts(t.rt.main, 'task_claim', async (attempt) => {
      if (attempt < 3) throw busy;
      return attempt;
    });
    expect(result).toBe(3);
    const after = await (await scrape(t, `Bearer ${TOKEN}`)).text();
    expect(sample(after, 'yesgraph_write_retries_total{path="task_claim"}')).toBe(2);
    expect(sample(after, 'yesgraph_write_retries_total{path="pop_one"}')).toBe(0);
  });

  it.each([
    ['no authorization', undefined],
    ['a wrong token', 'Bearer not-the-metrics-token'],
    ['the token without Bearer', TOKEN],
    ['a basic login', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
  ])('answers 401 to %s, with nothing of the metrics', async (_name, authorization) => {
    const res = await scrape(t, authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await res.text()).not.toContain('yesgraph_');
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    const res = await t.fetch(new Request(`${BASE}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: 'x' }));
    expect(res.status).toBe(405);
  });

  it('serves /metrics over HTTP too, beside the legacy face', async () => {
    const http: Server = await listen(t.server, '127.0.0.1', 0);
    const { port } = http.address() as { port: number };
    try {
      const denied = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(denied.status).toBe(401);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('yesgraph_calls_total{face="legacy",service="App.Hello.World",ret="200"}');
      const legacy = (await (await fetch(`http://127.0.0.1:${port}/?${signedParams({ s: 'App.Hello.World' }, t.app)}`)).json()) as Envelope;
      expect(legacy.ret).toBe(200);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

describe('metrics without YESGRAPH_METRICS_TOKEN', () => {
  const t = useServer('sqlite');

  it('exposes nothing: /metrics is a path of the legacy face like any other, with or without a token', async () => {
    await t.legacy({ s: 'App.Hello.World' });
    for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
      const res = await scrape(t, authorization);
      const text = await res.text();
      expect(text).not.toContain('yesgraph_calls_total');
      expect(JSON.parse(text)).toMatchObject({ ret: 400, msg: '客户端非法请求：缺少必要参数s' });
    }
    // Counted all the same, for when it is exposed.
    expect(await t.rt.metrics.registry.getSingleMetricAsString('yesgraph_calls_total')).toContain('service="App.Hello.World",ret="200"} 1');
  });
});
