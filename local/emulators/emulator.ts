/** A started emulator: where to reach it and how to stop it. */
export interface RunningEmulator {
  readonly name: 'sqs+s3' | 'dynamodb' | 'kinesis';
  readonly endpoint: string;
  readonly port: number;
  /** The address its sockets listen on (`127.0.0.1` unless `--host` says otherwise). */
  readonly listenHost: string;
  /** Set when it listens beyond what was asked (e.g. on every interface), with the port and why: printed as a warning. */
  readonly exposure?: string;
  stop(): Promise<void>;
}

/** Where an emulator listens: loopback by default. */
export interface EmulatorListenOptions {
  readonly port?: number;
  /** The address to listen on (default 127.0.0.1; the emulators have no authentication). */
  readonly host?: string;
}
