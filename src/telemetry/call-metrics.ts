/**
 * The per-call metrics, kept as plain numbers: one counter per (face, service, ret) and one
 * latency histogram per (face, service). prom-client validates and hashes the labels of every
 * observation, which cost a small call several microseconds; here a call adds to numbers found
 * once per series, and the registry reads them when /metrics is scraped (prom-client's metric
 * interface: `name`, `help`, `type`, `get()`), in the exposition prom-client would write.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

interface Exported {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: Sample[];
}

/** A counter per label set; `series(labels)` gives the cell a call adds to. */
export class PlainCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly cells: { readonly labels: Labels; value: number }[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The cell of a label set: call once per label set and keep it. */
  series(labels: Labels): { value: number } {
    const cell = { labels, value: 0 };
    this.cells.push(cell);
    return cell;
  }

  get(): Exported {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.cells.map((c) => ({ labels: c.labels, value: c.value })) };
  }

  /** Back to zero (prom-client's `registry.resetMetrics()`); the cells handed out stay valid. */
  reset(): void {
    for (const cell of this.cells) cell.value = 0;
  }
}

/** Cumulative buckets, sum and count of one label set. */
export class HistogramCell {
  /** Observations per bucket (not cumulative), the last one past every bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export class PlainHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly cells: HistogramCell[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The cell of a label set: call once per label set and keep it. */
  series(labels: Labels): HistogramCell {
    const cell = new HistogramCell(labels, this.bounds);
    this.cells.push(cell);
    return cell;
  }

  get(): Exported {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.cells) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += cell.counts[i]!;
        values.push({ labels: { le, ...cell.labels }, value: acc, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf', ...cell.labels }, value: cell.count, metricName: bucket });
      values.push({ labels: cell.labels, value: cell.sum, metricName: `${this.name}_sum` });
      values.push({ labels: cell.labels, value: cell.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Back to zero (prom-client's `registry.resetMetrics()`); the cells handed out stay valid. */
  reset(): void {
    for (const cell of this.cells) cell.reset();
  }
}
