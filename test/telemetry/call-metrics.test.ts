/**
 * The plain per-call metrics write exactly what prom-client's own Counter and Histogram write for
 * the same observations, so a dashboard cannot tell them apart.
 */
import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PlainCounter, PlainHistogram } from '../../src/telemetry/call-metrics.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];

describe('plain call metrics', () => {
  it('expose what prom-client exposes for the same calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('legacy', 'graphql'), fc.constantFrom('App.Hello.World', 'query hello'), fc.constantFrom(200, 400), fc.double({ min: 0, max: 3, noNaN: true })), { maxLength: 40 }),
        async (calls) => {
          const theirs = new Registry();
          const ours = new Registry();
          const counter = new Counter({ name: 'c_total', help: 'calls', labelNames: ['face', 'service', 'ret'], registers: [theirs] });
          const histogram = new Histogram({ name: 'h_seconds', help: 'latency', labelNames: ['face', 'service'], buckets: BOUNDS, registers: [theirs] });
          const plainCounter = new PlainCounter('c_total', 'calls', ours);
          const plainHistogram = new PlainHistogram('h_seconds', 'latency', BOUNDS, ours);
          const cells = new Map<string, { value: number }>();
          const hcells = new Map<string, ReturnType<PlainHistogram['series']>>();
          for (const [face, service, ret, seconds] of calls) {
            counter.inc({ face, service, ret: String(ret) });
            histogram.observe({ face, service }, seconds);
            const key = `${face}|${service}|${ret}`;
            if (!cells.has(key)) cells.set(key, plainCounter.series({ face, service, ret: String(ret) }));
            cells.get(key)!.value++;
            if (!hcells.has(`${face}|${service}`)) hcells.set(`${face}|${service}`, plainHistogram.series({ face, service }));
            hcells.get(`${face}|${service}`)!.observe(seconds);
          }
          // Series appear in the order of their first call in both.
          expect(await ours.metrics()).toBe(await theirs.metrics());
          // And the JSON form, but for prom-client's empty exemplars.
          const json = async (r: Registry) => JSON.parse(JSON.stringify(await r.getMetricsAsJSON(), (k, v: unknown) => (k === 'exemplar' ? undefined : v))) as unknown;
          expect(await json(ours)).toEqual(await json(theirs));
          // And after a reset, as prom-client resets its own.
          ours.resetMetrics();
          theirs.resetMetrics();
          for (const cell of cells.values()) cell.value++;
          for (const [key, cell] of hcells) {
            cell.observe(0.5);
            const [face, service] = key.split('|');
            histogram.observe({ face: face!, service: service! }, 0.5);
          }
          for (const key of cells.keys()) {
            const [face, service, ret] = key.split('|');
            counter.inc({ face: face!, service: service!, ret: ret! });
          }
          expect(await ours.metrics()).toBe(await theirs.metrics());
        },
      ),
      { numRuns: 100 },
    );
  });
});
