import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { until } from '../../local/runtime/until.ts';

/** What to do when no Chromium is found (Playwright's own browser download cannot be used here). */
export const CHROMIUM_INSTALL_HINT = "the console browser test needs Debian's chromium: run `apt-get install -y chromium` (or set SLUICE_CHROMIUM to a Chromium binary)";

/**
 * The Chromium to drive: `SLUICE_CHROMIUM`, else Debian's `/usr/bin/chromium`, else `chromium` on the PATH.
 *
 * @example
 * const executable = findChromium(); // '/usr/bin/chromium', or undefined
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SLUICE_CHROMIUM) return existsSync(env.SLUICE_CHROMIUM) ? env.SLUICE_CHROMIUM : undefined;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A headless Chromium with a fresh profile, closed (profile removed) by `close()`. */
export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh user data dir and nothing running in the background
 * (no sync, no component updates, no QUIC), and opens one page.
 *
 * @example
 * const browser = await launchBrowser(findChromium()!);
 * await browser.page.goto(consoleUrl);
 * await browser.close();
 */
export async function launchBrowser(executablePath: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `probe` until it returns a value other than undefined, on the runtime's {@link until}: with
 * `progress` (a reading of the page that moves while the work advances), it gives up only when that reading
 * has not changed for `stallMs`, so a busy machine takes longer instead of failing; without it, `stallMs`
 * bounds the whole wait. Pages update on their own schedule, so
 * tests wait for outcomes, not for time.
 *
 * @example
 * await eventually(async () => ((await page.textContent('#x')) === '5' ? true : undefined), 60_000, 'DLQ depth 5');
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, stallMs: number, what: string, progress?: () => Promise<unknown>): Promise<T> {
  let value: T | undefined;
  let last: unknown;
  let reading: unknown;
  await until(
    async () => {
      try {
        value = await probe();
        last = undefined;
      } catch (err) {
        last = err;
      }
      if (progress) reading = JSON.stringify(await progress().catch(() => undefined));
      return value !== undefined;
    },
    { what: () => `${what}${last ? ` (last error: ${(last as Error).message})` : ''}`, stallMs, progress: () => reading, intervalMs: 250 },
  );
  return value as T;
}
