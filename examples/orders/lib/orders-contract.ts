import { requireEnv } from 'sluice';

/**
 * The order worker's environment variables, in one place: the stack writes them ({@link ordersWorkerEnvironment}
 * in infra/orders-stack.ts), the worker reads them ({@link readOrdersWorkerEnv} in functions/order-worker.ts).
 *
 * @example
 * process.env[ORDERS_ENV.ordersTable]; // the orders table's name, as the stack wired it
 */
export const ORDERS_ENV = {
  /** The table each order is written to once. */
  ordersTable: 'ORDERS_TABLE_NAME',
  /** The table of per-customer order counts and totals. */
  totalsTable: 'CUSTOMER_TOTALS_TABLE_NAME',
} as const;

/**
 * The stack outputs the sample adds beside its pipelines' own: the demo, the docs' commands and the tests find
 * its tables by these names.
 *
 * @example
 * runtime.output(ORDERS_OUTPUTS.ordersTable); // the local orders table's name
 */
export const ORDERS_OUTPUTS = {
  ordersTable: 'OrdersTableName',
  totalsTable: 'CustomerTotalsTableName',
  dedupTable: 'DedupTableName',
} as const;

/** The tables the order worker writes to. */
export interface OrdersTables {
  readonly ordersTable: string;
  readonly totalsTable: string;
}

/**
 * The order worker's environment under the {@link ORDERS_ENV} names (the values may be CDK tokens).
 *
 * @example
 * functionProps: { environment: ordersWorkerEnvironment({ ordersTable: orders.tableName, totalsTable: totals.tableName }) }
 */
export function ordersWorkerEnvironment(tables: OrdersTables): Record<string, string> {
  return { [ORDERS_ENV.ordersTable]: tables.ordersTable, [ORDERS_ENV.totalsTable]: tables.totalsTable };
}

/**
 * Reads the order worker's tables from the environment; call it at module scope, so a missing name fails the
 * cold start.
 *
 * @throws ConfigurationError naming the variable that is missing or empty.
 * @example
 * const { ordersTable, totalsTable } = readOrdersWorkerEnv();
 */
export function readOrdersWorkerEnv(env: NodeJS.ProcessEnv = process.env): OrdersTables {
  return { ordersTable: requireEnv(ORDERS_ENV.ordersTable, env), totalsTable: requireEnv(ORDERS_ENV.totalsTable, env) };
}
