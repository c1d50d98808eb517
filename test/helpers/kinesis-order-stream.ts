/**
 * The order-stream workload and its independent expectations live with the demo (local/demo/), which
 * runs the same check in `npm start`; the tests import them from here.
 */
export { seededRandom } from '../../local/demo/seeded-random.ts';
export {
  CATEGORIES,
  expectedRejections,
  expectedRevenueByWindow,
  generateOrderTraffic,
  orderRecordFate,
} from '../../local/demo/order-stream-traffic.ts';
