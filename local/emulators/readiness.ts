import type { ManagedChild } from './child-process.ts';
import { waitUntil } from './free-port.ts';

/** How to ask an AWS JSON-protocol emulator whether it listens. */
export interface JsonListenerProbe {
  /** Its name in errors ("DynamoDB Local"). */
  readonly name: string;
  readonly endpoint: string;
  /** The `X-Amz-Target` of a cheap read, e.g. `DynamoDB_20120810.ListTables`. */
  readonly target: string;
  /** `application/x-amz-json-<version>`: DynamoDB speaks 1.0, Kinesis 1.1. */
  readonly jsonVersion: '1.0' | '1.1';
  /** The service name in the (dummy) SigV4 credential scope. */
  readonly signingName: string;
  /** How long a busy machine may take, in ms of real time. */
  readonly timeoutMs: number;
  /** Added to the error when the process exits before it answers (e.g. "is Java ≥ 17 installed?"). */
  readonly exitHint?: string;
}

/**
 * Waits until an emulator in a child process answers an AWS JSON request on its endpoint (any HTTP status:
 * the listener is up). If the process exits first, or the time runs out, stops it and throws.
 *
 * @throws Error naming the emulator and its exit code, or the wait that ran out.
 * @example
 * await awaitJsonListener(managed, { name: 'kinesis-mock', endpoint, target: 'Kinesis_20131202.ListStreams', jsonVersion: '1.1', signingName: 'kinesis', timeoutMs: 120_000 });
 */
export async function awaitJsonListener(managed: ManagedChild, probe: JsonListenerProbe): Promise<void> {
  try {
    await waitUntil(
      async () => {
        if (managed.child.exitCode !== null) {
          throw new Error(`${probe.name} exited with code ${managed.child.exitCode}${probe.exitHint ? ` (${probe.exitHint})` : ''}`);
        }
        const res = await fetch(probe.endpoint, {
          method: 'POST',
          headers: {
            'content-type': `application/x-amz-json-${probe.jsonVersion}`,
            'x-amz-target': probe.target,
            authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/${probe.signingName}/aws4_request, SignedHeaders=host, Signature=x`,
          },
          body: '{}',
        });
        return res.status > 0; // any answer means the HTTP listener is up
      },
      probe.timeoutMs,
      probe.name,
    );
  } catch (err) {
    await managed.stop();
    throw err;
  }
}
