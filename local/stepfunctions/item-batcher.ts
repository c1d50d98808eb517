/** The `ItemBatcher` field of a Distributed Map state, BatchInput already evaluated. */
export interface ItemBatcherConfig {
  readonly MaxItemsPerBatch?: number;
  readonly MaxInputBytesPerBatch?: number;
  readonly BatchInput?: unknown;
}

/**
 * Groups items into child-execution inputs as Step Functions' ItemBatcher does: `{ BatchInput?, Items }`,
 * at most `MaxItemsPerBatch` items and `MaxInputBytesPerBatch` bytes of JSON (AWS's limit and default:
 * 256 KiB) per batch. A single item larger than the byte limit fails the state.
 *
 * @example
 * batchItems([1, 2, 3], { MaxItemsPerBatch: 2 }); // [{ Items: [1, 2] }, { Items: [3] }]
 */
export function batchItems(items: readonly unknown[], batcher: ItemBatcherConfig): { BatchInput?: unknown; Items: unknown[] }[] {
  const maxItems = batcher.MaxItemsPerBatch ?? Number.POSITIVE_INFINITY;
  const maxBytes = Math.min(batcher.MaxInputBytesPerBatch ?? 262_144, 262_144);
  const base = batcher.BatchInput === undefined ? {} : { BatchInput: batcher.BatchInput };
  const overhead = Buffer.byteLength(JSON.stringify({ ...base, Items: [] }));
  const batches: { BatchInput?: unknown; Items: unknown[] }[] = [];
  let current: unknown[] = [];
  let bytes = overhead;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item));
    if (overhead + itemBytes > maxBytes) throw new Error(`an item of ${itemBytes} bytes exceeds MaxInputBytesPerBatch (${maxBytes})`);
    const added = itemBytes + (current.length > 0 ? 1 : 0); // the comma between items
    if (current.length > 0 && (current.length >= maxItems || bytes + added > maxBytes)) {
      batches.push({ ...base, Items: current });
      current = [];
      bytes = overhead;
    }
    bytes += itemBytes + (current.length > 0 ? 1 : 0);
    current.push(item);
  }
  if (current.length > 0) batches.push({ ...base, Items: current });
  return batches;
}
