import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../shared/aws-clients.ts';
import { partitionFunctionEnv } from '../shared/batch/config.ts';
import { runPartitionTask } from '../shared/batch/partition-task.ts';

const s3 = new S3Client(clientConfig({ service: 's3' }));
const { workBucket } = partitionFunctionEnv();

/** Map iteration: sort one partition (or an ItemBatcher batch of them), write its run and partial aggregates. */
export const handler = async (event: unknown) => runPartitionTask(event, { s3, workBucket });
