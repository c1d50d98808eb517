import { loadApp, type AppSource } from '../../local/template/load-template.ts';
import type { CfnTemplate } from '../../local/template/types.ts';
import { createApp, STACK_NAME } from '../../examples/orders/infra/app.ts';

/** The Orders sample (examples/orders), synthesized in-process as the local runtime does. */
export const SAMPLE_APP: AppSource = { app: (props) => createApp(props), stack: STACK_NAME };

/**
 * The sample's synthesized template (a fresh copy each call: tests may edit it).
 *
 * @example
 * const template = await sampleTemplate();
 */
export async function sampleTemplate(): Promise<CfnTemplate> {
  const loaded = await loadApp(SAMPLE_APP);
  loaded.dispose();
  return loaded.template;
}
