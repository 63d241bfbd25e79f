/**
 * yesgraph's Prometheus metrics (prom-client): calls per face, service and ret, their latency,
 * and the call log's writes and drops, in a registry per runtime; Node's own process metrics
 * (CPU, memory, event loop, GC) in one registry per process. GET /metrics (src/http/metrics.ts)
 * serves both. A later feature adds its metric to `registry`:
 *
 *   new Counter({ name: 'yesgraph_tasks_run_total', help: '…', registers: [rt.metrics.registry] })
 *
 * Labels are bounded: services are the ones yesgraph serves (`unknown` for any other name a
 * caller sends) and GraphQL's are root fields of the schema, so no caller can grow the series
 * without bound. No label carries an app key.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { PlainCounter, PlainHistogram, type HistogramCell } from './call-metrics.js';
import { CONFLICT_RETRY, type RetryEvent } from '../db/retry.js';
import type { Face } from '../records/call-log.js';

/** A face's service in the call metrics: its latency cell and its counter cell per ret. */
interface ServiceSeries {
  readonly duration: HistogramCell;
  readonly calls: Map<number, { value: number }>;
}

let processRegistry: Registry | undefined;

/** Node's process metrics, started on first use: once per process, whatever the number of runtimes. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Latency buckets in seconds: a Hello call takes well under a millisecond, a tree read over a slow link seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();

  readonly calls = new PlainCounter('yesgraph_calls_total', 'Calls answered, per face, service (GraphQL: operation type and root field) and ret.', this.registry);

  readonly duration = new PlainHistogram(
    'yesgraph_call_duration_seconds',
    'Time from the request to its answer, per face and service (a GraphQL batch: the whole request).',
    BUCKETS,
    this.registry,
  );

  readonly callLogWritten = new Counter({
    name: 'yesgraph_call_log_written_total',
    help: 'Calls written to the call log in the main store.',
    registers: [this.registry],
  });

  readonly callLogDropped = new Counter({
    name: 'yesgraph_call_log_dropped_total',
    help: 'Calls dropped from the call log: the buffer was full (the main store is slow) or the store refused the batch.',
    registers: [this.registry],
  });

  readonly writeRetries = new Counter({
    name: 'yesgraph_write_retries_total',
    help: 'Transactions run again after a deadlock, lock wait timeout or cluster certification conflict, per write path (src/db/retry.ts).',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Every path at 0 from the start, so a dashboard sees the series before the first retry.
    for (const path of Object.keys(CONFLICT_RETRY)) this.writeRetries.inc({ path }, 0);
  }

  /** Counts a retried write conflict (a `Store.onRetry` listener). */
  readonly observeRetry = (event: RetryEvent): void => {
    this.writeRetries.inc({ path: event.path });
  };

  /**
   * The cells of each face and service (src/telemetry/call-metrics.ts), found once: its latency
   * histogram, and its call counter per ret. Looked up by the label strings themselves, which are
   * the server's own constants, so a call builds and hashes no new key. Bounded as the labels are.
   */
  private readonly series: Record<Face, Map<string, ServiceSeries>> = { legacy: new Map(), graphql: new Map() };

  /** One answered call (one GraphQL operation). */
  observeCall(face: Face, service: string, ret: number, seconds: number): void {
    let series = this.series[face].get(service);
    if (!series) this.series[face].set(service, (series = { duration: this.duration.series({ face, service }), calls: new Map() }));
    let calls = series.calls.get(ret);
    if (!calls) series.calls.set(ret, (calls = this.calls.series({ face, service, ret: String(ret) })));
    calls.value++;
    series.duration.observe(seconds);
  }

  /** The text GET /metrics answers, with its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const own = await this.registry.metrics();
    const process = await processMetrics().metrics();
    return { contentType: this.registry.contentType, text: `${own}\n${process}` };
  }
}
