import { readFileSync } from 'node:fs';
import { singleProcessSortAggregate } from './batch-benchmark.ts';

// Run in a fresh process by bench/batch-scenarios.ts: the single-process reference on a JSON Lines file,
// timed after the file is read, and the process's peak RSS (a fresh heap, nothing else in it).
const jsonl = readFileSync(process.argv[2]!, 'utf8');
const rssBefore = process.memoryUsage.rss();
const started = performance.now();
const { checksum } = singleProcessSortAggregate(jsonl);
const seconds = (performance.now() - started) / 1000;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ seconds, peakRssMiB: maxRssMiB, addedRssMiB: maxRssMiB - rssBefore / 2 ** 20, checksum }));
