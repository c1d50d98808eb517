import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEDUP_RECORD } from '../shared/dedup/record.ts';
import type { ComplianceProfile } from './compliance.ts';
import { grantTableActions, secureTable } from './secure-defaults.ts';

/** Partition key of dedup records (`scope#idempotencyKey`): the store's own attribute name ({@link DEDUP_RECORD}). */
export const DEDUP_PARTITION_KEY = DEDUP_RECORD.pk;
/** TTL attribute: DynamoDB deletes a record some time after this epoch-seconds value ({@link DEDUP_RECORD}). */
export const DEDUP_TTL_ATTRIBUTE = DEDUP_RECORD.expiresAt;

/**
 * The item actions the dedup store uses, and nothing else: claim (conditional PutItem), read (GetItem),
 * complete and release (conditional UpdateItem / DeleteItem). The transactions of atomic mode (a Put of
 * the record) and of claim mode's completeWith (an Update of it) need no action of their own: DynamoDB
 * authorises TransactWriteItems per action inside it. No ConditionCheckItem (the store writes its record
 * in every transaction, it never only checks it), no Scan, Query or BatchWriteItem: dedup never reads more
 * than one key.
 */
export const DEDUP_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

export interface DedupTableProps {
  /** Customer-managed key; default: the AWS-managed `aws/dynamodb` key (see `secureTable`). */
  readonly encryptionKey?: IKey;
  /** What happens to the table when it leaves the stack (default RETAIN_ON_UPDATE_OR_DELETE: see `secureTable`). */
  readonly removalPolicy?: RemovalPolicy;
  /** Deletion protection (default: on only with `removalPolicy: RETAIN`). */
  readonly deletionProtection?: boolean;
  /** strict: the stack's customer-managed key unless `encryptionKey`. Default: the stack's profile. */
  readonly compliance?: ComplianceProfile;
}

/**
 * The DynamoDB table behind sluice's exactly-once processing: one item per idempotency key, partition
 * key `pk`, expired by TTL on `expiresAt`. On-demand, KMS-encrypted, point-in-time recovery, kept after a
 * stack deletion by default: losing it mid-flight would let duplicates through.
 *
 * @example
 * const dedup = new DedupTable(this, 'Dedup');
 * dedup.grantDedup(workerFunction);
 */
export class DedupTable extends Construct {
  /** The underlying table. */
  readonly table: Table;
  /** Table name, for the consumer's `QUEUE_ENV.dedupTable` environment variable. */
  readonly tableName: string;
  /** Table ARN. */
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: DedupTableProps = {}) {
    super(scope, id);
    this.table = secureTable(this, 'Table', {
      partitionKey: { name: DEDUP_PARTITION_KEY, type: AttributeType.STRING },
      timeToLiveAttribute: DEDUP_TTL_ATTRIBUTE,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      deletionProtection: props.deletionProtection,
      compliance: props.compliance,
    });
    this.tableName = this.table.tableName;
    this.tableArn = this.table.tableArn;
  }

  /**
   * Grants exactly the item actions dedup needs on this table (and the key's use, when the table has a
   * customer-managed key).
   *
   * @example
   * dedup.grantDedup(pipeline.consumer);
   */
  grantDedup(grantee: IGrantable): Grant {
    return grantTableActions(this.table, grantee, ...DEDUP_ITEM_ACTIONS);
  }
}
