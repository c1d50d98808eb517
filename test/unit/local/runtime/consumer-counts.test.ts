import { describeMappings, handledSoFar, type RuntimeMappings } from '../../../../local/runtime/consumer-counts.ts';

/** The runtime's two kinds of mappings, with just the stats the counts read. */
function runtimeWith(sqsDeleted: readonly number[], kinesisDelivered: readonly number[]): RuntimeMappings {
  return {
    sqsMappings: sqsDeleted.map((deleted) => ({ poller: { stats: { deleted } } })),
    streamMappings: kinesisDelivered.map((delivered) => ({ poller: { stats: { delivered } } })),
  } as unknown as RuntimeMappings;
}

describe('`sluice dev` counts', () => {
  it('counts SQS and Kinesis event source mappings, which the runtime keeps apart', () => {
    // Assess
    expect(describeMappings(runtimeWith([0, 0], [0]))).toBe('3 event source mappings (2 SQS, 1 Kinesis)');
    expect(describeMappings(runtimeWith([], [0]))).toBe('1 event source mapping (0 SQS, 1 Kinesis)');
  });

  it('adds the messages every SQS consumer acknowledged and the records every stream consumer received', () => {
    // Act
    const handled = handledSoFar(runtimeWith([120, 5], [2_000, 496]));
    // Assess
    expect(handled).toEqual({ messages: 125, records: 2_496 });
  });
});
