/**
 * The Bundles view in browser mode: an attempt run through the API is sealed; its bundle and a tampered copy go in
 * a folder; the view loads the folder (ok, and the failure's code), opens the bundle in the replay view, comes
 * back, and builds the report. Screenshots go to test-results/bundles-<step>.png.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { root, shots } from '../support/host';
import { type RemoteApiHandle } from '../../main/cli/RemoteApi';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let dataDir = '';
let work = '';
let url = '';
let page: Page;
let remote: RemoteApiHandle;

async function shot(step: string): Promise<void> {
  await page.screenshot({ path: join(shots, `bundles-${step}.png`) });
}

beforeAll(async () => {
  e2e = await openE2eSession('bundles', { remote: true });
  ({ dataDir, url, page } = e2e);
  remote = e2e.remote!;
  work = e2e.tempDir('work');
});

afterAll(async () => {
  await e2e?.close();
});

describe('bundles view in browser mode', () => {
  it('loads a folder of bundles, shows ok and a failure code, replays one, builds the report', async () => {
    const { api } = remote;
    const attempt = await api.attemptStart('prefix_sum_mini');
    const { ptyId } = await api.ptyCreate(attempt.id, { cols: 100, rows: 28 });
    await sleep(800);
    await api.ptyInput(ptyId, 'echo bundled-needle\r');
    await sleep(1_000);
    await api.fsWrite(attempt.id, 'solution.py', readFileSync(join(root, 'envs', 'prefix_sum_mini', 'reference', 'solution.py'), 'utf8'));
    await api.attemptScore(attempt.id);
    await api.attemptSubmit(attempt.id);
    // Sealing follows the final score.
    let sealed = await api.attemptStatus(attempt.id);
    for (let i = 0; i < 120 && !sealed.bundle; i++) {
      await sleep(500);
      sealed = await api.attemptStatus(attempt.id);
    }
    expect(sealed.bundle?.file).toBeTruthy();

    const folder = join(work, 'bundles');
    mkdirSync(folder);
    copyFileSync(sealed.bundle!.file, join(folder, 'a-good.redesk'));
    const bytes = readFileSync(sealed.bundle!.file);
    // Flip a byte of the submitted solution: its hash no longer matches the manifest.
    const solution = readFileSync(join(root, 'envs', 'prefix_sum_mini', 'reference', 'solution.py'));
    const at = bytes.indexOf(solution.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    bytes[at] ^= 1;
    writeFileSync(join(folder, 'b-tampered.redesk'), bytes);

    await page.goto(url);
    await page.getByTestId('open-bundles').click();
    await page.getByTestId('bundles-view').waitFor();
    await page.getByTestId('bundles-path').fill(folder);
    await page.getByTestId('bundles-load').click();
    await page.getByTestId('bundle-row-2').waitFor({ timeout: 60_000 });
    const good = page.getByTestId('bundle-row-1');
    const bad = page.getByTestId('bundle-row-2');
    expect(await good.locator('.badge').textContent()).toBe('ok');
    expect(await bad.locator('.badge').textContent()).toBe('BUNDLE_HASH_MISMATCH');
    expect(await good.textContent()).toContain('human');
    expect(await page.getByTestId('bundles-signers').textContent()).toContain('no allowed_signers found');
    await shot('scan');

    // Replay the bundle; Back returns here.
    await page.getByTestId('bundle-replay-1').click();
    await page.getByTestId('replay-timeline').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('replay-verify').getAttribute('data-ok')).toBe('true');
    // Seek to the end: the terminal shows what was typed.
    const box = (await page.getByTestId('replay-timeline').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.97, box.y + 10);
    await page.waitForFunction(() => document.querySelector('[data-testid="replay-terminal"]')?.textContent?.includes('bundled-needle'), null, { timeout: 15_000 });
    await shot('replay');
    await page.getByTestId('replay-back').click();
    await page.getByTestId('bundles-view').waitFor();
    expect(await page.getByTestId('bundle-row-2').count()).toBe(1);

    // The report counts only accepted experts: without allowed_signers it says so; with one it is built.
    await page.getByTestId('bundles-report').click();
    await page.getByTestId('bundles-report-error').waitFor();
    expect(await page.getByTestId('bundles-report-error').textContent()).toContain('allowed_signers');
    const pub = readFileSync(join(dataDir, 'keys', 'expert.pub'), 'utf8').trim();
    writeFileSync(join(folder, 'allowed_signers'), `expert@lab ${pub}\n`);
    await page.getByTestId('bundles-report').click();
    await page.getByTestId('bundles-report-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('bundles-report-path').textContent()).toBe(join(folder, 'report', 'report.html'));
    expect(await page.getByTestId('bundles-report-result').textContent()).toContain('1 of 2 bundle(s) counted');
    expect(existsSync(join(folder, 'report', 'attempts.csv'))).toBe(true);
    await shot('report');
  });
});
