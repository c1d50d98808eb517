/**
 * The visibility timeout test queues get instead of the template's (181 s for the Orders queue), so a
 * failed message comes back in seconds. It must still outlast the slowest invocation a test can see: a
 * function's cold start alone took 2–3 s on a 2-core machine with both cores busy, and a message whose
 * invocation outlives its visibility timeout is delivered again (and, after maxReceiveCount, redriven to
 * the DLQ), which changes a test's outcome, not just its duration. At 2 s, that happened.
 */
export const TEST_VISIBILITY_TIMEOUT_SECONDS = 10;
