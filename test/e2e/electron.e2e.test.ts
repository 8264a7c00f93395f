/**
 * The Electron shell, where the Electron binary is installed (`npm run electron:install`; its download needs the
 * internet, so our build machines skip this file and test the same UI in browser mode).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../../main/node/electronBinary';

const root = join(__dirname, '..', '..');

const binary = electronBinary();
const reason = 'the Electron binary is not installed (npm run electron:install fetches it where the internet is reachable)';
if (!binary) console.log(`electron e2e tests skipped: ${reason}`);

describe.skipIf(!binary)(`Electron shell${binary ? '' : ` — skipped: ${reason}`}`, () => {
  it('loads the UI from the custom scheme, sandboxed, with only the contract exposed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redesk-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [join(root, 'dist', 'electron', 'main.js'), `--data-dir=${dataDir}`, '--no-sandbox'],
    });
    try {
      const win = await app.firstWindow();
      await win.getByTestId('env-card-prefix_sum_mini').waitFor();
      expect(win.url()).toMatch(/^redesk-app:\/\/app\//);
      const page = await win.evaluate(() => ({
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        bridge: Object.keys((window as unknown as { redesk: object }).redesk).sort(),
      }));
      expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: ['api', 'call', 'onEvent'] });
      const envs = await win.evaluate(() => (window as unknown as { redesk: { call(m: string, a: unknown[]): Promise<{ id: string }[]> } }).redesk.call('envList', []));
      expect(envs.map((e) => e.id)).toContain('prefix_sum_mini');
      const err = await win.evaluate(() =>
        (window as unknown as { redesk: { call(m: string, a: unknown[]): Promise<unknown> } }).redesk.call('attemptStatus', ['nope']).catch((e: { code: string }) => e.code),
      );
      expect(err).toBe('ATTEMPT_NOT_FOUND');
      await win.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(win.url()).toMatch(/^redesk-app:\/\/app\//);
      await win.screenshot({ path: join(root, 'test-results', 'electron-home.png') });
    } finally {
      await app.close();
    }
  }, 120_000);
});
