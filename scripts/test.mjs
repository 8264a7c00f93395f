#!/usr/bin/env node
// The whole test suite, from a fresh checkout: makes sure a Chromium exists (Debian's, never a Playwright
// download), builds, then runs lint, type checks, unit tests and the end-to-end tests in browser mode.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const e2eOnly = args.has('--e2e-only');
const CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

function step(name, cmd, cmdArgs, env = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`\ntest: ${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  process.stdout.write(`== ${name}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}

function findChromium() {
  if (process.env.REDESK_BROWSER && existsSync(process.env.REDESK_BROWSER)) return process.env.REDESK_BROWSER;
  return CHROMIUMS.find((c) => existsSync(c));
}

function ensureChromium() {
  let found = findChromium();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    process.stdout.write('test: no Chromium found; installing Debian\'s chromium with apt-get\n');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    found = findChromium();
    if (found) return found;
  }
  process.stderr.write(
    'test: the end-to-end tests need Chromium or Chrome, and none was found.\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium\n' +
      '  elsewhere: install Google Chrome, or set REDESK_BROWSER=/path/to/chrome\n' +
      '  (Playwright never downloads a browser of its own here.)\n',
  );
  process.exit(1);
}

const browser = ensureChromium();
const node = process.execPath;
const bin = (p) => join(root, 'node_modules', p);

step('build', node, [join(root, 'scripts/build.mjs')]);
if (!e2eOnly) {
  step('lint', node, [bin('eslint/bin/eslint.js'), '.']);
  step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  step('unit and smoke tests', node, [bin('vitest/vitest.mjs'), 'run']);
}
step('end-to-end tests (browser mode, ' + browser + ')', node, [bin('vitest/vitest.mjs'), 'run', '--config', 'vitest.e2e.config.ts'], {
  REDESK_BROWSER: browser,
});
process.stdout.write('\ntest: all green\n');
