/**
 * Variants in the home view, as an expert meets them on a machine without a GPU: triton_cumsum opens on its mini
 * variant (READY), switching to full shows what is missing (NOT READY: the GPU), Start is refused with
 * ENV_REQUIREMENTS_UNMET naming it and no attempt is made; back on mini the attempt starts on the mini starter.
 * Screenshots go to test-results/variants-<step>.png.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserPath, launchChromium } from '../support/browser';
import { isBuilt, shots, startHost, stopHost } from '../support/host';

let host: ChildProcess | undefined;
let dataDir = '';
let url = '';
let browser: Browser | undefined;
let page: Page;

const shot = (step: string) => page.screenshot({ path: join(shots, `variants-${step}.png`) });

beforeAll(async () => {
  if (!isBuilt()) throw new Error('build first: npm run build (dist/cli and dist/renderer are needed)');
  if (!browserPath) throw new Error('no Chromium found: apt-get install chromium, or set REDESK_BROWSER');
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'redesk-e2e-variants-'));
  ({ child: host, url } = await startHost(dataDir));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await stopHost(host);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('choosing a variant on the home view', () => {
  it('refuses the full variant without its GPU, saying so, and starts the mini one', async () => {
    await page.goto(url);
    await page.getByTestId('env-card-triton_cumsum').click();
    const select = page.getByTestId('variant-select');
    await select.waitFor();
    expect(await select.inputValue()).toBe('mini');
    const status = page.getByTestId('preflight-status');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe('READY');
    await shot('1-mini-ready');

    await select.selectOption('full');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe('NOT READY');
    const gpuRow = page.locator('[data-testid^="preflight-check-"].bad').filter({ hasText: /GPU/ }).first();
    await gpuRow.waitFor();
    await page.getByTestId('consent').check();
    await shot('2-full-not-ready');
    await page.getByTestId('start-attempt').click();
    const code = page.getByTestId('toast-code').first();
    await code.waitFor({ timeout: 60_000 });
    expect(await code.textContent()).toBe('ENV_REQUIREMENTS_UNMET');
    expect(await page.getByTestId('toast').first().textContent()).toMatch(/GPU/);
    await shot('3-full-refused');
    expect(await page.locator('[data-testid^="attempt-row-"]').count()).toBe(0);

    await select.selectOption('mini');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe('READY');
    await page.getByTestId('start-attempt').click();
    // The attempt view opens on the mini starter's solution.
    await page.getByText('solution.py').first().waitFor({ timeout: 60_000 });
    await shot('4-mini-started');
  });
});
