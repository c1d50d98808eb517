/** A started emulator: where to reach it and how to stop it. */
export interface RunningEmulator {
  readonly name: 'sqs+s3' | 'dynamodb' | 'kinesis';
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}
