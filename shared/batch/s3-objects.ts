import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ObjectTooLargeError } from '../errors.ts';

/** An S3 object address. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/**
 * Opens an object as a byte stream (nothing buffered beyond the socket's window).
 *
 * @example
 * for await (const chunk of await openObject(s3, { bucket, key })) { ... }
 */
export async function openObject(s3: S3Client, location: S3Location): Promise<Readable> {
  const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  return response.Body as Readable;
}

/**
 * Reads a small JSON object (manifests, partial aggregates); `undefined` when the key does not exist.
 * `parse` reads the text (default `JSON.parse`).
 *
 * @example
 * const partial = await readJson<PartitionPartial>(s3, layout.partial(3));
 */
export async function readJson<T>(s3: S3Client, location: S3Location, parse: (text: string) => unknown = JSON.parse): Promise<T | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return parse(await response.Body!.transformToString()) as T;
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

/**
 * Writes a whole object in one PutObject (used for bounded data: chunks, runs, partials).
 *
 * @example
 * await writeObject(s3, { bucket, key }, JSON.stringify(partial), 'application/json');
 */
export async function writeObject(s3: S3Client, location: S3Location, body: string | Uint8Array, contentType = 'application/x-ndjson'): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: contentType }));
  } catch (err) {
    throw tooLarge(err, location, `is ${mib(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)} in one PutObject`);
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * An S3 "request too large" (HTTP 413, which the SDK reports as an XML parse error of the reply, or
 * `EntityTooLarge`) as a sentence with the object and its size; any other error as it is.
 */
function tooLarge(err: unknown, location: S3Location, size: string): unknown {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== 413 && (err as Error).name !== 'EntityTooLarge') return err;
  return new ObjectTooLargeError(`s3://${location.bucket}/${location.key} ${size}, over what the S3 endpoint accepts in one request (HTTP 413 Request Entity Too Large)`, { cause: err });
}

/** Multipart part size: S3 takes parts of 5 MiB to 5 GiB (the last one smaller), up to 10,000 of them: 80 GiB here. */
const PART_BYTES = 8 * 2 ** 20;

/**
 * Streams lines into an object with a multipart upload (lib-storage; a single PutObject when it is
 * under one part): memory stays at a few parts however long the output is, and no object is too large
 * for one request. Lines are coalesced into ~1 MiB chunks before they reach the upload.
 *
 * @example
 * await uploadLines(s3, { bucket, key: 'out/sorted.jsonl' }, mergedLines());
 */
export async function uploadLines(s3: S3Client, location: S3Location, lines: AsyncIterable<string> | Iterable<string>, contentType = 'application/x-ndjson'): Promise<void> {
  async function* chunks(): AsyncGenerator<Buffer> {
    let pending: string[] = [];
    let size = 0;
    for await (const line of lines) {
      pending.push(line, '\n');
      size += line.length + 1;
      if (size >= 1 << 20) {
        yield Buffer.from(pending.join(''));
        pending = [];
        size = 0;
      }
    }
    if (pending.length > 0) yield Buffer.from(pending.join(''));
  }
  const upload = new Upload({
    client: s3,
    params: { Bucket: location.bucket, Key: location.key, Body: Readable.from(chunks()), ContentType: contentType },
    queueSize: 2,
    partSize: PART_BYTES,
  });
  try {
    await upload.done();
  } catch (err) {
    throw tooLarge(err, location, `was sent in parts of ${mib(PART_BYTES)}`);
  }
}
