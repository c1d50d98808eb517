import { ConfigurationError } from '../../../shared/errors.ts';
import { ORDERS_ENV, ordersWorkerEnvironment, readOrdersWorkerEnv } from '../../../examples/orders/lib/orders-contract.ts';

describe('the Orders sample contract', () => {
  it('reads back, under the same names, the tables the stack writes into the worker environment', () => {
    // Prepare
    const tables = { ordersTable: 'orders-1', totalsTable: 'totals-1' };
    // Act
    const environment = ordersWorkerEnvironment(tables);
    // Assess
    expect(environment).toEqual({ ORDERS_TABLE_NAME: 'orders-1', CUSTOMER_TOTALS_TABLE_NAME: 'totals-1' });
    expect(readOrdersWorkerEnv(environment)).toEqual(tables);
  });

  it('refuses at cold start an environment missing a table, naming the variable', () => {
    // Act
    const read = () => readOrdersWorkerEnv({ [ORDERS_ENV.ordersTable]: 'orders-1', [ORDERS_ENV.totalsTable]: '' });
    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(/CUSTOMER_TOTALS_TABLE_NAME/);
  });
});
