/**
 * Step Functions' payload limits as the batch engine applies them (no imports: the BatchJob construct
 * reads them at synth time).
 */

/** Step Functions caps an execution's input (and every state's input and output) at 256 KiB. */
export const EXECUTION_INPUT_LIMIT_BYTES = 262_144;

/** Split's inline results stay under this, well inside Step Functions' 256 KiB state payload. */
export const INLINE_RESULT_MAX_BYTES = 192 * 1024;
/** The JSON of one Map item (a `PartitionSlice`) is at most about this long, with 12-digit counts. */
const SLICE_ITEM_MAX_BYTES = 200;
/** Room kept in an inline result for the job context (spec minus input), counts and bad lines. */
const JOB_CONTEXT_RESERVE_BYTES = 64 * 1024;
/**
 * The most Map items an inline result can carry within the payload limit: a larger `inlineMaxPartitions`
 * is refused by the BatchJob construct. (Split also measures each result and goes distributed when it
 * is larger than the limit, whatever the setting.)
 */
export const MAX_INLINE_ITEMS = Math.floor((INLINE_RESULT_MAX_BYTES - JOB_CONTEXT_RESERVE_BYTES) / SLICE_ITEM_MAX_BYTES);

/**
 * How many partitions a job keeps in an inline Map before Split goes distributed: the BatchJob
 * construct's default, and Split's when its environment says nothing (one number, so they cannot drift).
 */
export const DEFAULT_INLINE_MAX_PARTITIONS = 40;

/** Split writes a partition's buffer as one chunk object when it reaches this many bytes (4 MiB). */
export const DEFAULT_CHUNK_BYTES = 4 << 20;

/**
 * A slice (one Map item) holds at most this many bytes of chunks (16 MiB): a partition task then peaks
 * under 512 MiB, see docs/benchmarks.md.
 */
export const DEFAULT_SLICE_BYTES = 16 << 20;
