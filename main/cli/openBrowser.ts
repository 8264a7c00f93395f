import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

/** A local Chromium or Chrome, if one is installed (REDESK_BROWSER overrides). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REDESK_BROWSER && existsSync(env.REDESK_BROWSER)) return env.REDESK_BROWSER;
  return CANDIDATES.find((c) => existsSync(c));
}

/** Opens the URL as an app window (no tabs, no address bar), in a profile of its own under the data dir. */
export function openAppWindow(url: string, profileDir: string): boolean {
  const browser = findChromium();
  if (!browser) return false;
  const args = [`--app=${url}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--disable-background-networking', '--disable-sync', '--disable-component-update'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(browser, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return true;
}
