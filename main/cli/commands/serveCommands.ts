import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { defaultDataDir } from '../../node/appPaths';
import { electronBinary } from '../../node/electronBinary';
import { createServices } from '../../node/services';
import { BrowserHost, isLoopback } from '../serve/BrowserHost';
import { findChromium, openAppWindow } from '../openBrowser';
import { fail } from '../output';

interface ServeOpts {
  dataDir?: string;
  host: string;
  port: string;
  open: boolean;
  allowRemote?: boolean;
}

export async function serve(o: ServeOpts): Promise<void> {
  const dataDir = o.dataDir ?? defaultDataDir();
  if (!isLoopback(o.host)) {
    if (!o.allowRemote) fail(new Error(`refusing to bind ${o.host}: pass --allow-remote to serve beyond this machine`), false);
    process.stderr.write(`redesk: WARNING: serving on ${o.host}; anyone who can reach it and has the token controls your attempts and terminals\n`);
  }
  let services;
  try {
    services = await createServices({ dataDir, mode: 'browser' });
  } catch (e) {
    fail(e, false);
  }
  const host = new BrowserHost({
    api: services.api,
    events: services.events,
    rendererDir: services.paths.rendererDir,
    host: o.host,
    port: Number(o.port),
    allowRemote: o.allowRemote,
  });
  const url = await host.listen();
  await services.setHostInfo({ port: host.address.port, token: host.token });
  process.stdout.write(`redesk: open ${url}\n`);
  if (o.open) {
    if (!openAppWindow(url, join(dataDir, 'browser-profile'))) {
      process.stdout.write('redesk: no Chromium or Chrome found; open the address above in your browser\n');
    }
  }
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await host.close();
    await services.dispose();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

export function registerServeCommands(program: Command, root: string): void {
  const addServeOptions = (c: Command) =>
    c
      .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
      .option('--host <addr>', 'address to bind', '127.0.0.1')
      .option('--port <n>', 'port (0 picks a free one)', '0')
      .option('--no-open', 'do not open a browser window')
      .option('--allow-remote', 'allow binding a non-loopback address');

  addServeOptions(program.command('serve').description('browser mode: serve the app on loopback with a random token')).action((o: ServeOpts) => serve(o));

  addServeOptions(program.command('start').description('start the desktop app (browser mode where Electron is not installed)'))
    .option('--browser', 'use browser mode even where Electron is installed')
    .action(async (o: ServeOpts & { browser?: boolean }) => {
      const electron = o.browser ? undefined : electronBinary();
      if (electron && !process.env.CI) {
        const args = [join(root, 'dist', 'electron', 'main.js')];
        if (o.dataDir) args.push(`--data-dir=${o.dataDir}`);
        const child = spawn(electron, args, { stdio: 'inherit' });
        child.on('exit', (code) => process.exit(code ?? 0));
        return;
      }
      if (!o.browser) {
        const why = findChromium() ? 'starting browser mode' : 'starting browser mode (no Chromium found: open the address printed below)';
        process.stdout.write(`redesk: the Electron binary is not installed ('npm run electron:install' fetches it where the internet is reachable); ${why}\n`);
      }
      await serve(o);
    });
}
