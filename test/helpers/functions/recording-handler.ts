import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { clientConfig } from '../../../shared/aws-clients.ts';
import { requireEnv } from '../../../shared/config.ts';

// A test function for the poller's semantics: it counts every delivery of a message in a table and
// misbehaves on request (`fail` → reported item failure, `throw` → whole batch fails, `badId` → an
// itemIdentifier that names no record).
const dynamodb = new DynamoDBClient(clientConfig());
const tableName = requireEnv('RECORD_TABLE');

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  let throwAfterBatch = false;
  for (const record of event.Records) {
    const body = JSON.parse(record.body) as { id: string; fail?: boolean; throw?: boolean; badId?: boolean };
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: body.id } },
        UpdateExpression: 'ADD deliveries :one SET groupId = :g, seq = list_append(if_not_exists(seq, :empty), :now)',
        ExpressionAttributeValues: {
          ':one': { N: '1' },
          ':g': { S: record.attributes.MessageGroupId ?? '-' },
          ':now': { L: [{ N: String(Date.now()) }] },
          ':empty': { L: [] },
        },
      }),
    );
    if (body.throw) throwAfterBatch = true;
    if (body.fail) failures.push({ itemIdentifier: record.messageId });
    if (body.badId) failures.push({ itemIdentifier: 'no-such-message' });
  }
  if (throwAfterBatch) throw new Error('asked to throw');
  return { batchItemFailures: failures };
};
