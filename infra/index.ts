/**
 * `sluice/cdk`: the constructs. Secure defaults everywhere (encryption at rest, TLS-only, least-privilege
 * grants, cdk-nag clean); every function prop can be overridden through `functionProps`.
 *
 * @example
 * import { DedupTable, QueuePipeline } from 'sluice/cdk';
 * const dedupTable = new DedupTable(this, 'Dedup');
 * new QueuePipeline(this, 'Invoices', { entry: 'handlers/invoice-worker.ts', dedupTable }).addOutputs();
 */
export { QueuePipeline, type QueuePipelineProps, type QueuePipelineAlarms } from './queue-pipeline.ts';
export { StreamPipeline, type StreamPipelineProps, type StreamPipelineAlarms } from './stream-pipeline.ts';
export { BatchJob, TRANSIENT_TASK_ERRORS, type BatchJobProps } from './batch-job.ts';
export { DedupTable, DEDUP_PARTITION_KEY, DEDUP_TTL_ATTRIBUTE, DEDUP_ITEM_ACTIONS, type DedupTableProps } from './dedup-table.ts';
export {
  SluiceFunction,
  resolveEntry,
  ENTRY_METADATA_KEY,
  HANDLER_METADATA_KEY,
  type SluiceFunctionProps,
  type SluiceFunctionOverrides,
} from './sluice-function.ts';
export {
  ComplianceResources,
  complianceProfile,
  complianceLogGroup,
  COMPLIANCE_CONTEXT_KEY,
  ACCESS_LOGS_BUCKET_CONTEXT_KEY,
  ALARM_TOPIC_OUTPUT,
  LOG_RETENTION,
  type ComplianceProfile,
  type ComplianceResourcesProps,
} from './compliance.ts';
export { ACKNOWLEDGED_FINDINGS, acknowledgeFinding, type AcknowledgedFinding } from './compliance-findings.ts';
export {
  secureQueue,
  grantTableActions,
  notifyOnAlarm,
  secureTable,
  leastPrivilegeFunction,
  acknowledgeNagFinding,
  alarmAbove,
  addAlarmAction,
  ALARM_PERIOD,
  type SecureTableProps,
  type SecureQueueProps,
  type ThresholdAlarmProps,
} from './secure-defaults.ts';
export { withDefaults } from './with-defaults.ts';
