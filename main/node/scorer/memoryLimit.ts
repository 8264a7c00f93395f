export type MemoryLimitMethod = 'prlimit' | 'ulimit' | 'none';

/**
 * The argv that runs `argv` under an address-space limit: `prlimit --as` on Linux when present (it execs the
 * command, so the scorer keeps its pid), else a POSIX shell's `ulimit -v`. Windows has neither; there the scorer
 * runs unlimited and only the timeout protects the app.
 */
export function withMemoryLimit(
  argv: readonly string[],
  memoryMiB: number | undefined,
  opts: { platform: NodeJS.Platform; prlimit?: string },
): { argv: string[]; method: MemoryLimitMethod } {
  if (memoryMiB === undefined || opts.platform === 'win32') return { argv: [...argv], method: 'none' };
  const bytes = memoryMiB * 1024 * 1024;
  if (opts.platform === 'linux' && opts.prlimit) {
    return { argv: [opts.prlimit, `--as=${bytes}`, '--', ...argv], method: 'prlimit' };
  }
  // If the shell refuses the limit (some macOS versions), run anyway: the limit protects, it does not judge.
  const script = `ulimit -v ${memoryMiB * 1024} 2>/dev/null; exec "$@"`;
  return { argv: ['/bin/sh', '-c', script, 'sh', ...argv], method: 'ulimit' };
}
