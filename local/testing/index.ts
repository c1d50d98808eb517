/**
 * `sluice/testing`: run your CDK app locally from a jest test and assert on what it did: send messages,
 * wait for the consumers, read tables and dead-letter queues. No Docker, no AWS account.
 *
 * @example
 * import { startLocalApp } from 'sluice/testing';
 * const app = await startLocalApp();
 * await app.send('Invoices', { invoiceId: 'i-1', amountCents: 1200 });
 * await app.drain();
 */
export { startLocalApp, LocalApp, type LocalAppOptions, type DeadLetter } from './local-app.ts';
export { LocalRuntime, startEmulators, type EmulatorEndpoints, type AppSource } from '../index.ts';
