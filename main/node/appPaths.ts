import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The OS app-data folder, the same one Electron's app.getPath('userData') gives for "redesk", so the app and the
 * CLI share attempts. REDESK_DATA_DIR or --data-dir override it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.REDESK_DATA_DIR) return resolve(env.REDESK_DATA_DIR);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'redesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'redesk');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'redesk');
}

/**
 * The package root (where package.json, envs/ and dist/ live), found by walking up from this bundle's location:
 * the same code runs from dist/cli, dist/electron, and from sources under vitest.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'envs'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`redesk: cannot find the package root above ${from}`);
}

export interface AppPaths {
  root: string;
  dataDir: string;
  /** Folders holding environment folders: the bundled envs/ and the user's imported ones. */
  envDirs: string[];
  rendererDir: string;
  ptyHostEntry: string;
}

export function appPaths(dataDir: string, root: string = packageRoot()): AppPaths {
  // Inside an asar archive, native modules and the pty host live in app.asar.unpacked.
  const unpackedRoot = root.replace(/app\.asar$/, 'app.asar.unpacked');
  return {
    root,
    dataDir: resolve(dataDir),
    envDirs: [join(root, 'envs'), join(resolve(dataDir), 'envs')],
    rendererDir: join(root, 'dist', 'renderer'),
    ptyHostEntry: join(unpackedRoot, 'dist', 'node', 'ptyHost.js'),
  };
}
