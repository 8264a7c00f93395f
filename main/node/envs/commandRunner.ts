import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface CommandResult {
  /** Exit code 0 within the timeout. */
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to a zero exit: not on PATH, ran too long, or anything else. */
  failure?: 'not-found' | 'timeout' | 'failed';
}

/** Runs a command to completion; never rejects. Injected into preflight so tests need no real nvidia-smi. */
export type CommandRunner = (cmd: string, args: readonly string[], opts: { timeoutMs: number }) => Promise<CommandResult>;

export const runCommand: CommandRunner = (cmd, args, { timeoutMs }) =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      if (!e) return resolve({ ok: true, code: 0, stdout, stderr });
      const failure = e.code === 'ENOENT' ? 'not-found' : e.killed ? 'timeout' : 'failed';
      resolve({ ok: false, code: typeof e.code === 'number' ? e.code : null, stdout, stderr, failure });
    });
  });

/** Full path of an executable found on PATH (with PATHEXT on Windows), or undefined. */
export async function findOnPath(cmd: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat('') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = join(dir, cmd + ext);
      const isFile = (await stat(candidate).catch(() => undefined))?.isFile() ?? false;
      if (isFile && (await access(candidate, constants.X_OK).then(() => true, () => false))) return candidate;
    }
  }
  return undefined;
}
