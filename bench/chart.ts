import type { BenchResults } from './report.ts';
import { renderBarCharts, type ChartPanel } from './svg-chart.ts';

/**
 * The chart beside docs/benchmarks.md: queue throughput per workload (both workers) and handler bundle
 * sizes (SDK external).
 *
 * @example
 * await writeFile('docs/benchmarks.svg', buildChart(results));
 */
export function buildChart(results: BenchResults): string {
  const panels: ChartPanel[] = [];
  const scenarios = [...(results.queue ? [results.queue.first, results.queue.duplicates] : []), ...results.scaling];
  if (scenarios.length > 0) {
    panels.push({
      title: 'Queue worker throughput (median, same run, local emulators)',
      unit: 'msg/s',
      groups: scenarios.map((r) => ({
        label: `${r.scenario.messages.toLocaleString('en-US')} msgs, ${Math.round(r.scenario.duplicateShare * 100)} % dup`,
        bars: [
          { label: 'sluice', value: r.sluice.medianMessagesPerSecond },
          { label: 'Powertools batch + idempotency', value: r.powertools.medianMessagesPerSecond },
        ],
      })),
    });
    panels.push({
      title: 'DynamoDB write capacity units per message (items ≤ 1 KB)',
      unit: 'WCU',
      groups: [results.queue?.first, results.queue?.duplicates].filter((r) => r !== undefined).map((r) => ({
        label: `${Math.round(r.scenario.duplicateShare * 100)} % duplicates`,
        bars: [
          { label: 'sluice', value: r.sluice.perMessage.writeUnits },
          { label: 'Powertools batch + idempotency', value: r.powertools.perMessage.writeUnits },
        ],
      })),
    });
  }
  if (results.coldStart) {
    panels.push({
      title: 'Handler bundle size (esbuild, minified, SDK external)',
      unit: 'KiB',
      groups: results.coldStart.map((c) => ({ label: c.target.name.replace(' (baseline)', ''), bars: [{ label: c.target.entry.startsWith('bench/') ? 'Powertools batch + idempotency' : 'sluice', value: c.sdkExternal.bytes / 1024 }] })),
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
