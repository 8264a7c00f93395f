/**
 * Starting and stopping a real browser-mode host (`redesk serve`, the built CLI under plain node) for the smoke and
 * end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..');
export const bin = join(root, 'bin', 'redesk.js');
export const shots = join(root, 'test-results');

export function isBuilt(): boolean {
  return existsSync(join(root, 'dist', 'cli', 'index.js')) && existsSync(join(root, 'dist', 'renderer', 'index.html'));
}

export interface Host {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/?token=…`, as printed. */
  url: string;
  port: number;
  token: string;
}

/** Runs `redesk serve --no-open` on a data directory and resolves once it prints its address. */
export function startHost(dataDir: string): Promise<Host> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--data-dir', dataDir, '--no-open', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /redesk: open (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))/.exec(out);
      if (m) resolve({ child, url: m[1]!, port: Number(m[2]), token: m[3]! });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`redesk serve exited with ${code}: ${err}`)));
  });
}

/** SIGTERM, then SIGKILL if it lingers. */
export async function stopHost(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (child.exitCode === null) child.kill('SIGKILL');
}
