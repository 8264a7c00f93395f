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
let folder = '';

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

    folder = join(work, 'bundles');
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
    // Accepting the good bundle's signer under a name writes allowed_signers beside the bundles.
    page.once('dialog', (d) => void d.accept('expert@lab'));
    await page.getByTestId('bundle-accept-1').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="bundles-signers"]')?.textContent?.includes('signers checked against'));
    expect(await page.getByTestId('bundle-row-1').textContent()).toContain('expert@lab');
    const pub = readFileSync(join(dataDir, 'keys', 'expert.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    expect(readFileSync(join(folder, 'allowed_signers'), 'utf8')).toBe(`expert@lab namespaces="redesk-bundle" ${pub}\n`);
    await page.getByTestId('bundles-report').click();
    await page.getByTestId('bundles-report-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('bundles-report-path').textContent()).toBe(join(folder, 'report', 'report.html'));
    expect(await page.getByTestId('bundles-report-result').textContent()).toContain('1 of 2 bundle(s) counted');
    expect(existsSync(join(folder, 'report', 'attempts.csv'))).toBe(true);
    await shot('report');
  });

  it('reviews the folder blind: a judge key, a manual score, an invalidation the report honours, a restore, the reveal', async () => {
    await page.getByTestId('review-open').click();
    await page.getByTestId('review-status').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('review-status').textContent()).toBe('2 bundle(s) · blind');
    const rows = page.locator('[data-testid^="review-row-"]');
    expect(await rows.count()).toBe(2);
    // Blind: the page names no file, signer, human or agent (the verification table is put away).
    expect(await page.getByTestId('bundles-view').textContent()).not.toMatch(/a-good|b-tampered|human|SHA256:/);
    expect(await page.getByTestId('bundle-row-1').count()).toBe(0);
    const good = rows.filter({ has: page.locator('.badge.ok') });
    const id = (await good.getAttribute('data-testid'))!.replace('review-row-', '');

    // Records are signed: without an organizer key on this host, recording is refused until one is made.
    await page.getByTestId('review-judge').fill('Dana');
    await page.getByTestId(`review-score-input-${id}`).fill('0.9');
    await page.getByTestId(`review-score-${id}`).click();
    await page.getByTestId('review-error').waitFor();
    expect(await page.getByTestId('review-error').textContent()).toContain('KEY_NOT_FOUND');
    await page.getByTestId('review-make-key').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="review-key"]')?.textContent?.startsWith('records signed with SHA256:'));
    await page.getByTestId(`review-score-${id}`).click();
    await page.waitForFunction((t) => document.querySelector(`[data-testid="review-manual-${t}"]`)?.textContent?.includes('Dana'), id);
    expect(await page.getByTestId(`review-manual-${id}`).textContent()).toBe('0.9000 (Dana)');

    // An invalidation needs a reason; with one, the bundle leaves the report's statistics.
    await page.getByTestId(`review-invalidate-${id}`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="review-error"]')?.textContent?.includes('needs a reason'));
    await page.getByTestId(`review-reason-${id}`).fill('used the reference solution');
    await page.getByTestId(`review-invalidate-${id}`).click();
    await page.getByTestId(`review-restore-${id}`).waitFor();
    expect(await page.getByTestId(`review-standing-${id}`).textContent()).toBe('invalidated used the reference solution (Dana)');
    await page.getByTestId('bundles-report').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="bundles-report-result"]')?.textContent?.includes('1 invalidated in review'), null, { timeout: 60_000 });
    expect(await page.getByTestId('bundles-report-result').textContent()).toContain('0 of 2 bundle(s) counted');
    await shot('review');
    await page.getByTestId(`review-restore-${id}`).click();
    await page.getByTestId(`review-invalidate-${id}`).waitFor();
    expect(await page.getByTestId(`review-standing-${id}`).textContent()).toBe('counts');

    // The reveal asks first, is recorded with the judge's name, and shows who made each bundle.
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('review-reveal').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="review-status"]')?.textContent?.includes('revealed by Dana'));
    expect(await page.getByTestId(`review-who-${id}`).textContent()).toMatch(/^human · a-good\.redesk$/);
    await shot('review-revealed');
    const records = readFileSync(join(folder, 'review.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; judge: { name: string }; sig: string });
    expect(records.map((r) => r.kind)).toEqual(['score', 'invalidate', 'restore', 'reveal']);
    expect(records.every((r) => r.judge.name === 'Dana' && r.sig.startsWith('-----BEGIN SSH SIGNATURE-----'))).toBe(true);
    // Once revealed, the verification table comes back; leaving the review keeps it.
    expect(await page.getByTestId('bundle-row-1').count()).toBe(1);
    await page.getByTestId('review-leave').click();
    await page.getByTestId('review-open').waitFor();
  });
});
