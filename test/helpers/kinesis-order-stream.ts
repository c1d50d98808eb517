/**
 * The order-stream workload and its independent expectations live with the demo (local/demo/), which
 * runs the same check in `npm start`; the tests import them from here.
 */
export { seededRandom } from '../../local/faults/seeded-random.ts';
export {
  CATEGORIES,
  expectedRejections,
  expectedRevenueByWindow,
  generateOrderTraffic,
  orderRecordFate,
} from '../../examples/orders/demo/order-stream-traffic.ts';
