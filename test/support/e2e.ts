/**
 * One end-to-end session: a browser-mode host (`redesk serve`, the built CLI) on a fresh data directory, and a page
 * of Debian's Chromium on it. Every e2e file opens one in beforeAll and closes it in afterAll.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectRemoteApi, type RemoteApiHandle } from '../../main/cli/RemoteApi';
import { browserPath, launchChromium } from './browser';
import { isBuilt, shots, startHost, stopHost } from './host';

export interface E2eOptions {
  viewport?: { width: number; height: number };
  /** Let the page use the clipboard (pasting is how a person puts prepared text into the editor). */
  clipboard?: boolean;
  acceptDownloads?: boolean;
  /** Also connect to the host's API over its WebSocket, as the CLI does. */
  remote?: boolean;
  /** Fills the data directory before the host starts (envs, models, allowed_signers); tempDir as the session's. */
  prepare?: (dataDir: string, tempDir: (name: string) => string) => void | Promise<void>;
}

export interface E2eSession {
  dataDir: string;
  host: ChildProcess;
  /** `http://127.0.0.1:PORT/?token=…` */
  url: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  remote?: RemoteApiHandle;
  /** A temporary folder of the test's own, removed at close. */
  tempDir(name: string): string;
  close(): Promise<void>;
}

export async function openE2eSession(name: string, o: E2eOptions = {}): Promise<E2eSession> {
  if (!isBuilt()) throw new Error('build first: npm run build (dist/cli and dist/renderer are needed)');
  if (!browserPath) throw new Error('no Chromium found: apt-get install chromium, or set REDESK_BROWSER');
  mkdirSync(shots, { recursive: true });
  const dirs = [mkdtempSync(join(tmpdir(), `redesk-e2e-${name}-`))];
  const dataDir = dirs[0]!;
  let host: ChildProcess | undefined;
  let browser: Browser | undefined;
  let remote: RemoteApiHandle | undefined;
  const close = async () => {
    remote?.close();
    await browser?.close();
    await stopHost(host);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const tempDir = (n: string) => {
    const d = mkdtempSync(join(tmpdir(), `redesk-e2e-${name}-${n}-`));
    dirs.push(d);
    return d;
  };
  try {
    await o.prepare?.(dataDir, tempDir);
    const started = await startHost(dataDir);
    host = started.child;
    if (o.remote) remote = await connectRemoteApi(started.port, started.token);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: o.viewport ?? { width: 1400, height: 860 }, acceptDownloads: o.acceptDownloads ?? false });
    if (o.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(started.url).origin });
    const page = await context.newPage();
    return { dataDir, host, url: started.url, browser, context, page, ...(remote ? { remote } : {}), tempDir, close };
  } catch (e) {
    await close();
    throw e;
  }
}
