/**
 * An expert starts an attempt under an organizer's ticket from the app (browser mode, Debian Chromium): a missing
 * ticket file is refused with its code, the right one starts a non-practice attempt that shows the ticket's id.
 * Screenshots: test-results/ticket-<step>.png.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, root, shots } from '../support/host';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let page: Page;
let url = '';

function redesk(args: string[]): unknown {
  const r = spawnSync(process.execPath, [bin, ...args, '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`redesk ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  ({ url, page } = e2e = await openE2eSession('ticket', { viewport: { width: 1280, height: 800 } }));
});

afterAll(async () => {
  await e2e?.close();
});

describe('a ticketed attempt from the app', () => {
  it('refuses a missing ticket, then starts under a valid one', async () => {
    // The host made the expert's key at first run; the organizer issues a ticket for it.
    const expertDir = e2e!.dataDir;
    const organizerDir = e2e!.tempDir('organizer');
    redesk(['keys', 'init', '--role', 'organizer', '--data-dir', organizerDir]);
    const ticketFile = join(organizerDir, 'ticket.json');
    const now = Date.now();
    const issued = redesk([
      'ticket', 'issue', '--env', 'prefix_sum_mini@1.0.0', '--expert', join(expertDir, 'keys', 'expert.pub'),
      '--not-before', new Date(now - 3_600_000).toISOString(), '--not-after', new Date(now + 86_400_000).toISOString(),
      '--out', ticketFile, '--data-dir', organizerDir,
    ]) as { ticket: { id: string } };

    await page.goto(url);
    await page.getByTestId('env-card-prefix_sum_mini').click();
    await page.getByTestId('consent').check();
    await page.getByTestId('ticket-path').fill(join(organizerDir, 'no-such-ticket.json'));
    await page.getByTestId('start-attempt').click();
    await expect.poll(() => page.getByTestId('toast').first().textContent(), { timeout: 30_000 }).toContain('FILE_NOT_FOUND');
    await page.screenshot({ path: join(shots, 'ticket-1-missing.png') });

    await page.getByTestId('ticket-path').fill(ticketFile);
    await page.getByTestId('start-attempt').click();
    await page.getByTestId('attempt-view').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('ticket-id').textContent()).toContain(issued.ticket.id);
    await page.screenshot({ path: join(shots, 'ticket-2-started.png') });
  }, 120_000);
});
