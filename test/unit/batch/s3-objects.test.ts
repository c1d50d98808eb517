import type { S3Client } from '@aws-sdk/client-s3';
import { writeObject } from '../../../shared/batch/s3-objects.ts';
import { ObjectTooLargeError } from '../../../shared/errors.ts';

describe('writeObject', () => {
  it('turns an S3 413 (which the SDK reports as an XML parse error) into a sentence with the object and its size', async () => {
    // Prepare: the error fauxqs's 413 becomes in the SDK (status in $metadata, an unreadable message)
    const sdkError = Object.assign(new Error('@aws-sdk XML parse error: unexpected content.\n  Deserialization error: …'), { $metadata: { httpStatusCode: 413 } });
    const s3 = { send: async () => Promise.reject(sdkError) } as unknown as S3Client;
    // Act
    const writing = writeObject(s3, { bucket: 'work', key: 'tmp/j/runs/p00003-s00000.jsonl' }, Buffer.alloc(Math.round(14.2 * 2 ** 20)));
    // Assess
    await expect(writing).rejects.toThrow(ObjectTooLargeError);
    await expect(writing).rejects.toThrow(
      's3://work/tmp/j/runs/p00003-s00000.jsonl is 14.2 MiB in one PutObject, over what the S3 endpoint accepts in one request (HTTP 413 Request Entity Too Large)',
    );
  });

  it('passes any other error on as it is', async () => {
    // Prepare
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const s3 = { send: async () => Promise.reject(denied) } as unknown as S3Client;
    // Act / Assess
    await expect(writeObject(s3, { bucket: 'work', key: 'k' }, 'x')).rejects.toBe(denied);
  });
});
