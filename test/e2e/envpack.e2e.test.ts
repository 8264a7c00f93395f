/**
 * "Import environment pack" on the home view in browser mode: a pack with a flipped byte is refused with its code
 * on screen and nothing appears; the good pack installs, its result line shows, and its card is listed.
 * Screenshots go to test-results/envpack-<step>.png.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { shots } from '../support/host';
import { packEnv } from '../../main/node/envpacks/packEnv';
import { PACK_NAMESPACE } from '../../main/node/envpacks/packFormat';
import { writeTestEnv } from '../../main/node/envs/testEnv';
import { allowedSignersLine } from '../../main/node/ssh/allowedSigners';
import { openE2eSession, type E2eSession } from '../support/e2e';

let e2e: E2eSession | undefined;
let url = '';
let page: Page;
let good = '';
let damaged = '';

const shot = (step: string) => page.screenshot({ path: join(shots, `envpack-${step}.png`) });

beforeAll(async () => {
  e2e = await openE2eSession('envpack', {
    viewport: { width: 1400, height: 900 },
    prepare: async (dataDir, tempDir) => {
      const work = tempDir('work');
      const organizer = generateKeyPairSync('ed25519');
      writeFileSync(join(dataDir, 'allowed_signers'), `${allowedSignersLine('organizer@lab', organizer.publicKey, [PACK_NAMESPACE])}\n`);
      const envDir = join(work, 'packed_demo');
      writeTestEnv(envDir, { id: 'packed_demo', title: 'Packed demo environment' });
      good = (await packEnv({ envDir, out: join(work, 'packed_demo.redeskenv'), key: organizer.privateKey })).file;
      const bytes = readFileSync(good);
      bytes[bytes.indexOf('hello asset')] ^= 0x20;
      damaged = join(work, 'damaged.redeskenv');
      writeFileSync(damaged, bytes);
    },
  });
  ({ url, page } = e2e);
});

afterAll(async () => {
  await e2e?.close();
});

describe('import an environment pack from the home view', () => {
  it('refuses a damaged pack with its code, then installs the good one and lists it', async () => {
    await page.goto(url);
    await page.getByTestId('import-pack').waitFor();
    await expect.poll(() => page.getByTestId('import-pack-button').isDisabled()).toBe(true);

    await page.getByTestId('import-pack-path').fill(damaged);
    await page.getByTestId('import-pack-button').click();
    const error = page.getByTestId('import-pack-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain('PACK_HASH_MISMATCH');
    expect(await error.textContent()).toContain('assets/data.bin');
    expect(await page.getByTestId('env-card-packed_demo').count()).toBe(0);
    await shot('1-refused');

    await page.getByTestId('import-pack-path').fill(good);
    await page.getByTestId('import-pack-button').click();
    const result = page.getByTestId('import-pack-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toContain('Installed packed_demo@1.2.3, signed by organizer@lab.');
    await page.getByTestId('env-card-packed_demo').waitFor();
    expect(await page.getByTestId('import-pack-error').count()).toBe(0);
    await shot('2-installed');

    // Again, without replace: the app says it is there already.
    await page.getByTestId('import-pack-button').click();
    await page.getByTestId('import-pack-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-pack-error').textContent()).toContain('PACK_EXISTS');
    await shot('3-exists');
  });
});
