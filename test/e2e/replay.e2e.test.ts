/**
 * An attempt replayed in browser mode: run one through the API (terminal, a file, a score, submit) on a fresh data
 * folder, open its replay from the attempt list in Debian Chromium, find the score on the timeline, seek by
 * clicking, search for what was typed and jump to it, and play at 64×. Screenshots go to
 * test-results/replay-<step>.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { shots } from '../support/host';
import { type RemoteApiHandle } from '../../main/cli/RemoteApi';
import { openE2eSession, type E2eSession } from '../support/e2e';

const NEEDLE = 'replay-needle-42';

let e2e: E2eSession | undefined;
let url = '';
let page: Page;
let remote: RemoteApiHandle;

async function shot(step: string): Promise<void> {
  await page.screenshot({ path: join(shots, `replay-${step}.png`) });
}

/** The replayed terminal's visible rows (xterm's DOM renderer). */
async function terminalText(): Promise<string> {
  const rows = await page.$$eval('[data-testid="replay-terminal"] .xterm-rows > div', (els) => els.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')));
  return rows.join('\n');
}

async function playhead(): Promise<number> {
  return Number(await page.getByTestId('replay-time').getAttribute('data-t'));
}

/** Clicks the timeline at a fraction of its width. */
async function clickTimeline(fraction: number): Promise<void> {
  const box = (await page.getByTestId('replay-timeline').boundingBox())!;
  await page.mouse.click(box.x + box.width * fraction, box.y + 10);
}

beforeAll(async () => {
  e2e = await openE2eSession('replay', { remote: true });
  ({ url, page } = e2e);
  remote = e2e.remote!;
});

afterAll(async () => {
  await e2e?.close();
});

describe('replay in browser mode', () => {
  it('replays an attempt: markers, seek, search, play at 64×', async () => {
    // An attempt as the expert would run it, through the host's API: the host records it.
    const { api } = remote;
    const attempt = await api.attemptStart('prefix_sum_mini');
    const { ptyId } = await api.ptyCreate(attempt.id, { cols: 100, rows: 28 });
    await sleep(1_000);
    for (const ch of `echo ${NEEDLE}`) {
      await api.ptyInput(ptyId, ch);
      await sleep(40);
    }
    await api.ptyInput(ptyId, '\r');
    await sleep(1_500);
    await api.fsWrite(attempt.id, 'notes.md', '# notes\ntried a cumsum\n');
    const score = await api.attemptScore(attempt.id);
    expect(score.n).toBe(1);
    await api.ptyInput(ptyId, 'echo after-the-score\r');
    await sleep(1_500);
    await api.attemptSubmit(attempt.id);
    expect(existsSync(join(attempt.dir, 'events', 'meta.json'))).toBe(true);

    // Open it from the attempt list.
    await page.goto(url);
    await page.getByTestId(`replay-${attempt.id}`).click();
    await page.getByTestId('replay-timeline').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('replay-verify').getAttribute('data-ok')).toBe('true');
    // The score asked for, and the one submitting makes.
    expect(await page.getByTestId('replay-marker-score').count()).toBe(2);
    expect(await page.getByTestId('replay-marker-score').first().getAttribute('title')).toMatch(/score -?\d/);
    expect(await page.getByTestId('replay-marker-submit').count()).toBe(1);
    expect(new URL(page.url()).hash).toBe(`#/replay/${attempt.id}`);
    await shot('1-open');

    // Seek by clicking near the end: the terminal shows everything typed and printed.
    await clickTimeline(0.995);
    await expect.poll(terminalText, { timeout: 10_000 }).toContain('after-the-score');
    expect(await terminalText()).toContain(NEEDLE);
    await shot('2-seek-end');
    // …and near the start: nothing typed yet.
    await clickTimeline(0.001);
    await expect.poll(playhead).toBeLessThan(5_000);
    await expect.poll(terminalText).not.toContain('after-the-score');
    expect(await terminalText()).not.toContain(NEEDLE);

    // Search for the word typed and jump to the hit in the terminal's output.
    await page.getByTestId('replay-search').fill('needle-42');
    await page.getByTestId('replay-search').press('Enter');
    await page.getByTestId('replay-hit-0').waitFor();
    const hits = await page.locator('[data-testid^="replay-hit-"]').count();
    expect(hits).toBeGreaterThanOrEqual(2); // typed, and echoed back (twice: the command line and its output)
    const output = page.locator('[data-testid^="replay-hit-"]', { hasText: 'output' }).last();
    await output.click();
    await expect.poll(terminalText, { timeout: 10_000 }).toContain(NEEDLE);
    expect(await terminalText()).not.toContain('after-the-score');
    await shot('3-search-hit');

    // Play from the start: at 1× the records arrive as they happened (the typing shows in the key overlay), then
    // at 64× the rest of the attempt plays through in moments.
    await clickTimeline(0);
    await expect.poll(playhead).toBeLessThan(2_000);
    await page.getByTestId('replay-play').click();
    await expect.poll(() => page.getByTestId('replay-keys').textContent(), { timeout: 15_000 }).toMatch(/echo/);
    expect(await page.getByTestId('replay-play').textContent()).toMatch(/Pause/);
    expect(await terminalText()).not.toContain('after-the-score');
    await shot('4-playing');
    await page.getByTestId('replay-speed').selectOption('64');
    const t0 = await playhead();
    await expect.poll(terminalText, { timeout: 15_000 }).toContain('after-the-score');
    expect(await playhead()).toBeGreaterThan(t0);
    await expect.poll(() => page.getByTestId('replay-play').textContent(), { timeout: 10_000 }).toMatch(/Play/);
    await shot('5-played');

    // The route survives a reload; Back returns to the attempt list.
    await page.reload();
    await page.getByTestId('replay-timeline').waitFor({ timeout: 60_000 });
    await page.getByTestId('replay-back').click();
    await page.getByTestId(`replay-${attempt.id}`).waitFor();
    expect(new URL(page.url()).hash).toBe('');
  });
});
