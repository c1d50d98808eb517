import { keyedRecord, ownValue } from '../../shared/keyed-record.ts';

/** One metric total, keyed by name and its dimensions (e.g. `dlq{reason=expired}`). */
export type MetricTotals = Map<string, number>;

interface EmfDirective {
  readonly Dimensions?: string[][];
  readonly Metrics?: { Name: string }[];
}

function metricKey(name: string, dimensions: Record<string, string>): string {
  const dims = Object.entries(dimensions)
    .filter(([k]) => k !== 'service')
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return dims ? `${name}{${dims}}` : name;
}

/**
 * Adds the metrics of one Embedded Metric Format line to `totals`. Returns false when the line is
 * not EMF (so it can be passed through as ordinary output).
 *
 * @example
 * addEmfLine('{"_aws":{...},"processed":3}', totals); // totals.get('processed') === 3
 */
export function addEmfLine(line: string, totals: MetricTotals): boolean {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return false;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return false;
  }
  const directives = (doc._aws as { CloudWatchMetrics?: EmfDirective[] } | undefined)?.CloudWatchMetrics;
  if (!directives) return false;
  for (const directive of directives) {
    const dimensionNames = [...new Set((directive.Dimensions ?? []).flat())];
    // Names are the functions' (a dimension or metric may be called anything): read own fields only.
    const dimensions = Object.fromEntries(dimensionNames.map((d) => [d, String(ownValue(doc, d))]));
    for (const { Name } of directive.Metrics ?? []) {
      const raw = ownValue(doc, Name);
      const values = Array.isArray(raw) ? raw : [raw];
      const sum = values.reduce((acc: number, v) => acc + Number(v ?? 0), 0);
      const key = metricKey(Name, dimensions);
      totals.set(key, (totals.get(key) ?? 0) + sum);
    }
  }
  return true;
}

/**
 * Collects the CloudWatch Embedded Metric Format lines that in-process functions print, as CloudWatch
 * does on AWS: the local runtime's summaries read the very metrics the functions publish. Other
 * output is passed through, or dropped when `quiet` (so a progress bar stays readable).
 *
 * @example
 * const collector = MetricsCollector.capture({ quiet: true });
 * ...
 * collector.release();
 * collector.get('duplicate');
 */
export class MetricsCollector {
  readonly totals: MetricTotals = new Map();
  private readonly originalWrite = process.stdout.write;
  private pending = '';

  private constructor(private readonly quiet: boolean) {}

  static capture(options: { quiet?: boolean } = {}): MetricsCollector {
    const collector = new MetricsCollector(options.quiet ?? false);
    const original = collector.originalWrite;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const passthrough = collector.consume(text);
      if (passthrough) return (original as (...a: unknown[]) => boolean).call(process.stdout, passthrough, ...rest);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
    return collector;
  }

  private consume(text: string): string {
    this.pending += text;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    const passed = lines.filter((line) => !addEmfLine(line, this.totals) && !this.quiet);
    return passed.length > 0 ? `${passed.join('\n')}\n` : '';
  }

  /** Total of a metric; `dimensions` picks one series (e.g. `{ reason: 'expired' }`). */
  get(name: string, dimensions: Record<string, string> = {}): number {
    return this.totals.get(metricKey(name, dimensions)) ?? 0;
  }

  /** Every series of a metric, by its dimension string (e.g. `reason=expired`). */
  series(name: string): Record<string, number> {
    const out = keyedRecord<number>();
    for (const [key, value] of this.totals) {
      const match = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
      if (match?.[1] === name) out[match[2] ?? ''] = value;
    }
    return out;
  }

  release(): void {
    process.stdout.write = this.originalWrite;
  }
}
