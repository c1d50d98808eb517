/**
 * Reads a handler's response the way Lambda does for `ReportBatchItemFailures`: a null, empty or
 * `{}` response, or an empty or null `batchItemFailures` list, means every record succeeded; each listed
 * `itemIdentifier` must be a non-empty string naming a record of the batch. An empty or null identifier,
 * or one under a bad key name, fails the whole batch (both the SQS and the Kinesis pages say so); an
 * identifier naming no record of the batch fails it too: documented for SQS, unverified for Kinesis (its
 * page is silent; failing the batch is the choice that loses nothing). A malformed list fails it as well.
 *
 * @example
 * const outcome = readBatchItemFailures(response, new Set(records.map((r) => r.messageId)));
 * if (outcome.wholeBatchFailed) ...
 */
export function readBatchItemFailures(
  response: unknown,
  batchIds: ReadonlySet<string>,
): { wholeBatchFailed: boolean; failedIds: Set<string>; reason?: string } {
  if (response === null || response === undefined) return { wholeBatchFailed: false, failedIds: new Set() };
  if (typeof response !== 'object') return { wholeBatchFailed: true, failedIds: new Set(), reason: 'response is not an object' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { wholeBatchFailed: false, failedIds: new Set() };
  if (!Array.isArray(failures)) return { wholeBatchFailed: true, failedIds: new Set(), reason: 'batchItemFailures is not a list' };
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return { wholeBatchFailed: true, failedIds, reason: 'empty itemIdentifier' };
    if (!batchIds.has(id)) return { wholeBatchFailed: true, failedIds, reason: `unknown itemIdentifier ${id}` };
    failedIds.add(id);
  }
  return { wholeBatchFailed: false, failedIds };
}
