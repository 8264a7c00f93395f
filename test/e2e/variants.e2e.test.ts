/**
 * Variants in the home view, as an expert meets them on a machine without a GPU: triton_cumsum opens on its mini
 * variant (READY), switching to full shows what is missing (NOT READY: the GPU), Start is refused with
 * ENV_REQUIREMENTS_UNMET naming it and no attempt is made; back on mini the attempt starts on the mini starter.
 * Screenshots go to test-results/variants-<step>.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { shots } from '../support/host';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let url = '';
let page: Page;

const shot = (step: string) => page.screenshot({ path: join(shots, `variants-${step}.png`) });

beforeAll(async () => {
  ({ url, page } = e2e = await openE2eSession('variants', { viewport: { width: 1400, height: 900 } }));
});

afterAll(async () => {
  await e2e?.close();
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
