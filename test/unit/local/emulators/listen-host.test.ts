import { javaHasCompiler } from '../../../../local/emulators/dynamodb-local-launcher.ts';
import { endpointUrl, isLoopbackHost, parseListenHost } from '../../../../local/emulators/listen-host.ts';
import { listenWarnings } from '../../../../local/cli/commands/dev/listen-warnings.ts';

describe('listen addresses', () => {
  it('counts 127.0.0.0/8, ::1, IPv4-mapped loopback and localhost as loopback, and nothing else', () => {
    // Assess
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('takes an IPv4 or IPv6 address for --host and refuses a host name', () => {
    // Assess
    expect(parseListenHost('0.0.0.0')).toBe('0.0.0.0');
    expect(parseListenHost('[::]')).toBe('::');
    expect(parseListenHost('localhost')).toBe('127.0.0.1');
    expect(() => parseListenHost('example.com')).toThrow('expected an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::), got "example.com"');
  });

  it('reaches a wildcard listener at 127.0.0.1 and writes IPv6 addresses in brackets', () => {
    // Assess
    expect(endpointUrl('0.0.0.0', 4566)).toBe('http://127.0.0.1:4566');
    expect(endpointUrl('::', 4566)).toBe('http://127.0.0.1:4566');
    expect(endpointUrl('::1', 4566)).toBe('http://[::1]:4566');
    expect(endpointUrl('10.0.0.7', 4566)).toBe('http://10.0.0.7:4566');
  });

  it('warns about a non-loopback --host and about each emulator that listens beyond the address asked for', () => {
    // Act
    const quiet = listenWarnings('127.0.0.1', []);
    const loud = listenWarnings('0.0.0.0', ['DynamoDB Local listens on every interface at port 8000, not only 127.0.0.1: …']);

    // Assess
    expect(quiet).toEqual([]);
    expect(loud).toEqual([
      'WARNING: the emulators listen on 0.0.0.0 (--host) without authentication: anyone who reaches this address can read and write your queues, tables, streams and buckets.',
      'WARNING: DynamoDB Local listens on every interface at port 8000, not only 127.0.0.1: …',
    ]);
  });

  it('finds no compiler in a java that is not there (DynamoDB Local then falls back to the plain jar)', () => {
    // Assess
    expect(javaHasCompiler('/nonexistent/java')).toBe(false);
  });
});
