/**
 * The desktop shell, kept thin: lifecycle, one window, the custom scheme, validated IPC. Every service is the
 * same Node code the CLI and browser mode run.
 */
import { app, BrowserWindow, dialog, safeStorage, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { toErrorData } from '../common/errors';
import { defaultDataDir, packageRoot } from '../node/appPaths';
import { createServices, type Services } from '../node/services';
import { registerIpc } from './ipc';
import { APP_ORIGIN, registerSchemePrivileges, serveRenderer } from './protocol';
import { utilityHostSpawner } from './utilitySpawner';

registerSchemePrivileges();

const safeStorageProtector = {
  protect: (pem: string) => safeStorage.encryptString(pem),
  unprotect: (stored: Buffer) => safeStorage.decryptString(stored),
};

const dataDirArg = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
const dataDir = dataDirArg ?? (process.env.REDESK_DATA_DIR || app.getPath('userData') || defaultDataDir());
const windows = new Set<WebContents>();
let services: Services | undefined;

function createWindow(root: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    title: 'redesk',
    webPreferences: {
      preload: join(root, 'dist', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const wc = win.webContents;
  windows.add(wc);
  wc.on('destroyed', () => windows.delete(wc));
  // Nothing navigates away from the app or opens windows; links to the web go to the user's browser.
  wc.on('will-navigate', (e, url) => {
    if (!url.startsWith(APP_ORIGIN + '/')) e.preventDefault();
  });
  wc.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const root = packageRoot(app.getAppPath());
  try {
    services = await createServices({
      dataDir,
      mode: 'electron',
      spawner: utilityHostSpawner,
      // The expert key at rest is encrypted with the OS keychain where Electron can reach one.
      ...(safeStorage.isEncryptionAvailable() ? { keyProtector: safeStorageProtector } : {}),
    });
  } catch (e) {
    const err = toErrorData(e);
    dialog.showErrorBox('redesk cannot start', `${err.code}: ${err.message}${err.hint ? `\n\n${err.hint}` : ''}`);
    app.exit(1);
    return;
  }
  serveRenderer(services.paths.rendererDir);
  registerIpc(services.api, services.events, windows);
  createWindow(root);
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(root);
  });
}

app.on('window-all-closed', () => app.quit());
app.on('will-quit', (e) => {
  if (!services) return;
  e.preventDefault();
  const s = services;
  services = undefined;
  void s.dispose().finally(() => app.quit());
});

void main();
