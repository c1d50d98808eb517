import type { S3Location } from './s3-objects.ts';

/** Prefix of everything a job writes between Split and Reduce; the bucket's lifecycle expires it. */
export const INTERMEDIATE_PREFIX = 'tmp/';

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * Where a job's intermediate and final objects live. Deterministic from the job id, so each task finds
 * its inputs without passing key lists through the (256 KiB) state payload.
 *
 * @example
 * const layout = jobLayout('sluice-batch', 'job-1');
 * layout.run(3, 0); // { bucket: 'sluice-batch', key: 'tmp/job-1/runs/p00003-s00000.jsonl' }
 */
export function jobLayout(workBucket: string, jobId: string) {
  const base = `${INTERMEDIATE_PREFIX}${jobId}`;
  const at = (key: string): S3Location => ({ bucket: workBucket, key });
  return {
    /** Chunk `c` of partition `p` as written by Split: chunk lines (`run-lines.ts`) in input order. */
    chunk: (p: number, c: number) => at(`${base}/parts/p${pad(p)}/c${pad(c)}.jsonl`),
    /** Slice `s` of partition `p` sorted by the job's sort key: run lines (`run-lines.ts`). */
    run: (p: number, s: number) => at(`${base}/runs/p${pad(p)}-s${pad(s)}.jsonl`),
    /** Partial aggregates of slice `s` of partition `p`. */
    partial: (p: number, s: number) => at(`${base}/partials/p${pad(p)}-s${pad(s)}.json`),
    /** Run `id` written by one step of Reduce's multi-level merge (`planMerges`): run lines. */
    merged: (id: number) => at(`${base}/merges/m${pad(id)}.jsonl`),
    /** The partition list, read by a Distributed Map's ItemReader. */
    manifest: at(`${base}/manifest.json`),
  };
}

/**
 * Final objects of a job under its output location.
 *
 * @example
 * outputLayout({ bucket: 'results', prefix: 'daily/' }, 'job-1').sorted; // daily/job-1/sorted.jsonl
 */
export function outputLayout(output: { bucket: string; prefix: string }, jobId: string) {
  const prefix = output.prefix === '' || output.prefix.endsWith('/') ? output.prefix : `${output.prefix}/`;
  return {
    groups: { bucket: output.bucket, key: `${prefix}${jobId}/groups.jsonl` } as S3Location,
    sorted: { bucket: output.bucket, key: `${prefix}${jobId}/sorted.jsonl` } as S3Location,
  };
}
