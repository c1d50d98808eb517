import { costColumns, type BenchResults } from './report.ts';
import { renderBarCharts, type ChartPanel } from './svg-chart.ts';

/**
 * The chart beside docs/benchmarks.md: throughput with AWS latency, cost per million messages, raw
 * emulator throughput, handler bundle sizes and the batch job against one process.
 *
 * @example
 * await writeFile('docs/benchmarks.svg', buildChart(results));
 */
export function buildChart(results: BenchResults): string {
  const panels: ChartPanel[] = [];
  if (results.latency) {
    const { twoItems, oneItem } = results.latency;
    const perBatch = (r: typeof twoItems.first, who: 'sluice' | 'powertools') => r[who].medianMessagesPerSecond / Math.max(1, r[who].runs[0]?.maxConcurrency ?? 1);
    panels.push({
      title: 'With AWS latency: messages/s per concurrent batch (median)',
      unit: 'msg/s',
      groups: [
        ['two items, 0 % dup', twoItems.first],
        ['two items, 20 % dup', twoItems.duplicates],
        ['one item (atomic), 0 % dup', oneItem.atomic.first],
        ['one item (claim), 0 % dup', oneItem.claim.first],
      ].map(([label, r]) => ({
        label: label as string,
        bars: [
          { label: 'sluice', value: perBatch(r as typeof twoItems.first, 'sluice') },
          { label: 'Powertools batch + idempotency', value: perBatch(r as typeof twoItems.first, 'powertools') },
        ],
      })),
    });
    panels.push({
      title: 'Cost per million messages, on demand (DynamoDB + Lambda + SQS)',
      unit: '$',
      groups: costColumns(results.latency).map((column) => ({
        label: column.label,
        bars: [
          { label: 'sluice', value: column.sluice.total },
          { label: 'Powertools batch + idempotency', value: column.baseline.total },
        ],
      })),
    });
  }
  const scenarios = [...(results.queue ? [results.queue.first, results.queue.duplicates] : []), ...results.scaling];
  if (scenarios.length > 0) {
    panels.push({
      title: 'Raw emulators (no latency): queue worker throughput (median)',
      unit: 'msg/s',
      groups: scenarios.map((r) => ({
        label: `${r.scenario.messages.toLocaleString('en-US')} msgs, ${Math.round(r.scenario.duplicateShare * 100)} % dup`,
        bars: [
          { label: 'sluice', value: r.sluice.medianMessagesPerSecond },
          { label: 'Powertools batch + idempotency', value: r.powertools.medianMessagesPerSecond },
        ],
      })),
    });
  }
  if (results.coldStart) {
    panels.push({
      title: 'Handler bundle size (esbuild, minified, SDK external)',
      unit: 'KiB',
      groups: results.coldStart.map((c) => ({ label: c.target.name.replace(' (baseline)', ''), bars: [{ label: seriesOf(c.target.entry), value: c.sdkExternal.bytes / 1024 }] })),
    });
  }
  if (results.batch) {
    const pairs = [...results.batch.scaling, ...results.batch.headline.pairs.slice(0, 1)];
    panels.push({
      title: 'Batch job vs one process with all data in memory (wall time)',
      unit: 's',
      groups: pairs.map((p) => ({
        label: `${p.records.toLocaleString('en-US')} rec, ${p.partitions} partitions`,
        bars: [
          { label: 'sluice batch job (local)', value: p.batch.seconds },
          { label: 'single process, in memory', value: p.single.seconds },
        ],
      })),
    });
  }
  return renderBarCharts(panels);
}

function seriesOf(entry: string): string {
  if (entry.startsWith('bench/baselines/')) return 'Powertools batch + idempotency';
  if (entry.startsWith('bench/floors/')) return 'AWS SDK alone';
  return 'sluice';
}
