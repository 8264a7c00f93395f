/** Debian's Chromium (or a Chrome), driven by playwright-core: never a browser Playwright downloads. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.REDESK_BROWSER, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const browserPath = CANDIDATES.find((p): p is string => !!p && existsSync(p));

/** The flags this machine needs: no sandbox as root, no GPU, and none of Chromium's calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  if (!browserPath) throw new Error('no Chromium found: apt-get install chromium, or set REDESK_BROWSER');
  return chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
}
