/**
 * One attempt end to end in browser mode, as a person would do it: open the printed URL in Debian Chromium, start
 * prefix_sum_mini, use the terminal, replace the solution in the editor, save, score, submit, read the final score.
 * Screenshots of each step go to test-results/e2e-<step>.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { root, shots } from '../support/host';
import { connectRemoteApi } from '../../main/cli/RemoteApi';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let url = '';
let page: Page;

async function shot(step: string): Promise<void> {
  await page.screenshot({ path: join(shots, `e2e-${step}.png`) });
}

/** The visible text of a terminal, row by row (xterm's DOM renderer). */
function terminalRows(n: number): Promise<string[]> {
  return page.$$eval(`[data-testid="terminal-${n}"] .xterm-rows > div`, (rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')));
}

beforeAll(async () => {
  ({ url, page } = e2e = await openE2eSession('attempt', { viewport: { width: 1280, height: 800 }, clipboard: true }));
});

afterAll(async () => {
  await e2e?.close();
});

describe('browser mode', () => {
  it('refuses a request without the token', async () => {
    const origin = new URL(url).origin;
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(url)).status).toBe(200);
  });

  it('runs an attempt from start to final score', async () => {
    await page.goto(url);
    await page.getByTestId('env-card-prefix_sum_mini').click();
    await expect.poll(() => page.getByTestId('preflight-status').textContent(), { timeout: 60_000 }).toBe('READY');
    // Start waits until the expert has read what is recorded.
    await page.getByTestId('consent').check();
    await shot('1-home');

    await page.getByTestId('start-attempt').click();
    await page.getByTestId('attempt-view').waitFor();
    await page.getByTestId('instructions').waitFor();
    await expect.poll(() => page.getByTestId('clock').textContent()).toMatch(/^0:59:\d\d/);
    const attemptId = decodeURIComponent(new URL(page.url()).hash.replace('#/attempt/', ''));
    expect(attemptId).not.toBe('');
    await shot('2-attempt');

    // Terminal: the shell starts in the workspace; run a command and see its output.
    await page.getByTestId('terminal-1').click();
    await expect.poll(async () => (await terminalRows(1)).join('\n'), { timeout: 20_000 }).toMatch(/\S/);
    await page.keyboard.type("python3 -c 'print(6*7)'");
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await terminalRows(1)).some((r) => r.trim() === '42'), { timeout: 20_000 }).toBe(true);
    await shot('3-terminal');

    // A reload keeps the shell: the page takes up the running terminal with its recent output, and it still answers.
    await page.reload();
    await page.getByTestId('attempt-view').waitFor();
    await expect.poll(async () => (await terminalRows(1)).some((r) => r.trim() === '42'), { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('terminal-2').count()).toBe(0);
    await page.getByTestId('terminal-1').click();
    await page.keyboard.type('echo still-$((40+2))');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await terminalRows(1)).some((r) => r.trim() === 'still-42'), { timeout: 20_000 }).toBe(true);
    await shot('3b-reloaded');

    // Editor: open the solution, replace it with the vectorised one by pasting, save.
    const reference = readFileSync(join(root, 'envs', 'prefix_sum_mini', 'reference', 'solution.py'), 'utf8');
    await page.getByTestId('file-solution.py').click();
    await page.getByTestId('editor-tab-solution.py').waitFor();
    await page.locator('[data-testid="editor"] .view-lines').click();
    await page.evaluate((text) => navigator.clipboard.writeText(text), reference);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await expect.poll(() => page.getByTestId('editor-tab-solution.py').getAttribute('data-dirty')).toBe('true');
    await shot('4-edited');
    await page.keyboard.press('ControlOrMeta+S');
    await expect.poll(() => page.getByTestId('editor-tab-solution.py').getAttribute('data-dirty')).toBe('false');

    const remote = await connectRemoteApi(Number(new URL(url).port), new URL(url).searchParams.get('token')!);
    const { workspace } = await remote.api.attemptStatus(attemptId);
    remote.close();
    expect(readFileSync(join(workspace, 'solution.py'), 'utf8')).toBe(reference);
    await shot('5-saved');

    // Score: the first one calibrates the start and reference solutions on this machine, so it takes a while.
    await page.getByTestId('score-button').click();
    const row = page.getByTestId('score-row-1');
    await row.waitFor({ timeout: 240_000 });
    const normalized = Number(await row.getByTestId('score-normalized').textContent());
    expect(normalized).toBeGreaterThan(0.5);
    expect(normalized).toBeLessThan(1.6);
    await shot('6-scored');

    // Submit, confirm, and read the final score.
    await page.getByTestId('submit-button').click();
    await page.getByTestId('submit-confirm').waitFor();
    await shot('7-confirm');
    await page.getByTestId('submit-confirm-yes').click();
    await page.getByTestId('final-score').waitFor({ timeout: 240_000 });
    const finalNormalized = Number(await page.getByTestId('final-normalized').textContent());
    expect(finalNormalized).toBeGreaterThan(0.5);
    expect(finalNormalized).toBeLessThan(1.6);
    expect(await page.getByTestId('final-score').textContent()).toMatch(/^-?\d/);
    await shot('8-final');
  });
});
