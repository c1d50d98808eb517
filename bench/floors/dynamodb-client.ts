import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

// The cold-start floor of both queue workers: the AWS SDK's DynamoDB client and the one command the
// sluice worker needs, created at module scope as the handlers do, and nothing else.
const dynamodb = new DynamoDBClient({});

export const handler = async (): Promise<void> => {
  await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [] }));
};
