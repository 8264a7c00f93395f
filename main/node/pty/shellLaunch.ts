import { basename } from 'node:path';

/** What the host runs in a new pty. */
export interface ShellLaunch {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * Variables that describe the host process, not the user's session: left in, they would turn every Electron app
 * started from the terminal into plain node (ELECTRON_RUN_AS_NODE) or hand programs a dead IPC channel.
 */
const HOST_ONLY_VARS = [
  'ELECTRON_RUN_AS_NODE',
  'ELECTRON_NO_ATTACH_CONSOLE',
  'NODE_CHANNEL_FD',
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'NODE_UNIQUE_ID',
];

/**
 * Shells that understand `-l`. Only macOS starts login shells (as Terminal.app does); on Linux a login shell's
 * /etc/profile resets PATH, which would drop the attempt's tools (`score`) and the user's own PATH, so the shell
 * starts interactive but not login, as VS Code's terminal does.
 */
const LOGIN_SHELLS = new Set(['bash', 'zsh', 'sh', 'dash', 'ksh', 'mksh', 'fish', 'tcsh', 'csh']);

/** Interactive programs expect these; COLORTERM tells them 24-bit colour works (xterm.js renders it). */
const TERMINAL_VARS = { TERM: 'xterm-256color', COLORTERM: 'truecolor' };

export interface ShellLaunchInput {
  /** The host's environment. */
  baseEnv: Record<string, string | undefined>;
  /** The caller's additions, which win over the base. */
  env?: Record<string, string>;
  /** Explicit shell; otherwise $SHELL of the merged environment, then bash. */
  shell?: string;
  platform?: NodeJS.Platform;
  /** Whether a file exists; a stale $SHELL (a missing path, or a name on no PATH folder) falls back to bash rather than a dead terminal. */
  exists?: (path: string) => boolean;
}

export function shellLaunch(input: ShellLaunchInput): ShellLaunch {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.baseEnv)) if (v !== undefined) env[k] = v;
  for (const k of HOST_ONLY_VARS) delete env[k];
  Object.assign(env, input.env, TERMINAL_VARS);

  const platform = input.platform ?? process.platform;
  if (platform === 'win32') {
    return { file: input.shell ?? env.COMSPEC ?? 'cmd.exe', args: [], env };
  }
  const exists = input.exists ?? (() => true);
  let file = input.shell ?? env.SHELL ?? 'bash';
  if (file !== 'bash' && !findsProgram(file, env.PATH ?? '', exists)) file = 'bash';
  const args = platform === 'darwin' && LOGIN_SHELLS.has(basename(file)) ? ['-l'] : [];
  return { file, args, env };
}

/** An absolute path that exists, or a bare name found in one of PATH's folders. */
function findsProgram(file: string, path: string, exists: (p: string) => boolean): boolean {
  if (file.startsWith('/')) return exists(file);
  if (file.includes('/')) return true;
  return path.split(':').some((dir) => dir !== '' && exists(`${dir}/${file}`));
}
