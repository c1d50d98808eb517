import { addEmfLine, type MetricTotals } from '../../../../local/runtime/metrics-collector.ts';

function emf(metrics: Record<string, number | number[]>, dimensions: Record<string, string> = {}) {
  return JSON.stringify({
    _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'sluice', Dimensions: [['service', ...Object.keys(dimensions)]], Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Count' })) }] },
    service: 'order-worker',
    ...dimensions,
    ...metrics,
  });
}

describe('addEmfLine', () => {
  it('sums metrics across lines, keyed by their non-service dimensions, and values given as lists', () => {
    // Prepare
    const totals: MetricTotals = new Map();
    // Act
    addEmfLine(emf({ processed: 3, duplicate: 1 }), totals);
    addEmfLine(emf({ processed: [2, 5] }), totals);
    addEmfLine(emf({ dlq: 1 }, { reason: 'expired' }), totals);
    addEmfLine(emf({ dlq: 2 }, { reason: 'expired' }), totals);
    // Assess
    expect(Object.fromEntries(totals)).toEqual({ processed: 10, duplicate: 1, 'dlq{reason=expired}': 3 });
  });

  it('reads dimensions and metrics named like built-ins from the line only', () => {
    // Prepare
    const totals: MetricTotals = new Map();
    const line = emf({ constructor: 2 }, { toString: 'x' }).replace('"Dimensions":[["service","toString"]]', '"Dimensions":[["service","toString","valueOf"]]');
    // Act
    addEmfLine(line, totals);
    addEmfLine(emf({ hasOwnProperty: 1 }), totals);
    // Assess
    expect(Object.fromEntries(totals)).toEqual({ 'constructor{toString=x,valueOf=undefined}': 2, hasOwnProperty: 1 });
  });

  it('leaves ordinary log lines alone', () => {
    // Prepare
    const totals: MetricTotals = new Map();
    // Act / Assess
    expect(addEmfLine('{"level":"INFO","message":"hi"}', totals)).toBe(false);
    expect(addEmfLine('plain text', totals)).toBe(false);
    expect(addEmfLine('{"_aws": broken', totals)).toBe(false);
    expect(totals.size).toBe(0);
  });
});
