import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { TaskError } from './task-errors.ts';

/** The `ItemReader` field of a Distributed Map state, with its Parameters already evaluated. */
export interface ItemReaderConfig {
  readonly Resource: string;
  readonly ReaderConfig?: {
    readonly InputType?: 'JSON' | 'JSONL' | 'CSV' | 'MANIFEST';
    readonly MaxItems?: number;
    readonly CSVHeaderLocation?: 'FIRST_ROW' | 'GIVEN';
    readonly CSVHeaders?: string[];
    readonly CSVDelimiter?: 'COMMA' | 'PIPE' | 'SEMICOLON' | 'SPACE' | 'TAB';
  };
  readonly Parameters: { Bucket: string; Key?: string; Prefix?: string };
}

const delimiters = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' } as const;

/**
 * Reads a Distributed Map's items from S3 as Step Functions does:
 * - `s3:getObject` with InputType JSON (the object is a JSON array), JSONL (one JSON value per line) or
 *   CSV (one object per row, keys from the first row or `CSVHeaders`, values kept as strings);
 * - `s3:listObjectsV2` (one item per object: Key, Size, Etag, LastModified, StorageClass);
 * `MaxItems` caps the count. A missing object fails with `States.ItemReaderFailed`.
 *
 * @example
 * const items = await readItems(s3, { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket, Key } });
 */
export async function readItems(s3: S3Client, reader: ItemReaderConfig): Promise<unknown[]> {
  const max = reader.ReaderConfig?.MaxItems ?? Number.POSITIVE_INFINITY;
  const { Bucket, Key, Prefix } = reader.Parameters;
  try {
    if (reader.Resource.endsWith(':s3:listObjectsV2')) return (await listObjects(s3, Bucket, Prefix)).slice(0, max);
    if (!reader.Resource.endsWith(':s3:getObject')) throw new TaskError('States.Runtime', `ItemReader resource ${reader.Resource} is not supported locally`);
    const body = (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body as Readable;
    switch (reader.ReaderConfig?.InputType ?? 'JSON') {
      case 'JSON': {
        const items = JSON.parse(await streamToString(body)) as unknown;
        if (!Array.isArray(items)) throw new TaskError('States.ItemReaderFailed', `s3://${Bucket}/${Key} does not contain a JSON array`);
        return items.slice(0, max);
      }
      case 'JSONL':
        return await readJsonLines(body, max);
      case 'CSV':
        return await readCsv(body, reader, max);
      default:
        throw new TaskError('States.Runtime', `ItemReader InputType ${reader.ReaderConfig?.InputType} is not supported locally`);
    }
  } catch (err) {
    if (err instanceof TaskError) throw err;
    throw new TaskError('States.ItemReaderFailed', `reading items from s3://${Bucket}/${Key ?? Prefix ?? ''}: ${(err as Error).message}`);
  }
}

async function streamToString(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJsonLines(body: Readable, max: number): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    items.push(JSON.parse(line));
    if (items.length >= max) break;
  }
  body.destroy();
  return items;
}

async function readCsv(body: Readable, reader: ItemReaderConfig, max: number): Promise<unknown[]> {
  const config = reader.ReaderConfig ?? {};
  const parser = body.pipe(
    parse({
      columns: config.CSVHeaderLocation === 'GIVEN' ? config.CSVHeaders : true,
      delimiter: delimiters[config.CSVDelimiter ?? 'COMMA'],
      skip_empty_lines: true,
    }),
  );
  const items: unknown[] = [];
  for await (const row of parser) {
    items.push(row);
    if (items.length >= max) break;
  }
  body.destroy();
  return items;
}

async function listObjects(s3: S3Client, bucket: string, prefix: string | undefined): Promise<unknown[]> {
  const items: unknown[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      items.push({ Etag: o.ETag, Key: o.Key, LastModified: o.LastModified ? Math.floor(o.LastModified.getTime() / 1000) : undefined, Size: o.Size, StorageClass: o.StorageClass ?? 'STANDARD' });
    }
    token = page.NextContinuationToken;
  } while (token);
  return items;
}
