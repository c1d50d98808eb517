/**
 * Reads a handler's response the way Lambda does for `ReportBatchItemFailures`: a null, empty or
 * `{}` response, or an empty `batchItemFailures` list, means every record succeeded; each listed
 * `itemIdentifier` must be a non-empty string naming a record of the batch. Anything else (an unknown
 * or empty identifier, a malformed list) fails the whole batch, as AWS documents.
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
