import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

// After the process exits, how long its pipes may take to drain before we stop reading them.
const PIPE_DRAIN_MS = 1_000;

export interface BoundedProcessOptions {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Stdout beyond this many bytes stops the process. */
  maxStdoutBytes: number;
  /** Stderr kept: its last this many bytes. */
  stderrTailBytes: number;
  /** Between SIGTERM and SIGKILL when stopping it. */
  killGraceMs: number;
  signal?: AbortSignal;
}

export interface BoundedProcessOutcome {
  exitCode: number | null;
  /** The signal that ended it, whoever sent it. */
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderrTail: string;
  /** Why we stopped it, if we did. */
  stoppedFor?: 'timeout' | 'output' | 'abort';
  /** It never started (e.g. the interpreter is not installed). */
  spawnError?: string;
  durationMs: number;
}

/**
 * Runs a command in its own process group with a timeout, an output cap and cancellation; whatever happens it
 * resolves, and it ends the whole group (the scorer's own children too) before it does.
 */
export function runBoundedProcess(opts: BoundedProcessOptions): Promise<BoundedProcessOutcome> {
  const started = performance.now();
  const posix = process.platform !== 'win32';
  return new Promise((resolve) => {
    const [cmd, ...args] = opts.argv;
    const child = spawn(cmd!, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout ends everything it started.
      detached: posix,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = Buffer.alloc(0);
    let stoppedFor: BoundedProcessOutcome['stoppedFor'];
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: string | undefined;
    let graceTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (posix) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    const stop = (why: NonNullable<BoundedProcessOutcome['stoppedFor']>, hard = false) => {
      if (stoppedFor !== undefined || exit !== undefined) return;
      stoppedFor = why;
      killGroup(hard ? 'SIGKILL' : 'SIGTERM');
      if (!hard) graceTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs);
    };

    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('abort', true);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (chunk: Buffer) => {
      if (stoppedFor === 'output') return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > opts.maxStdoutBytes) {
        stop('output', true);
        return;
      }
      stdout.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = Buffer.concat([stderrTail, chunk]);
      if (stderrTail.length > opts.stderrTailBytes) stderrTail = stderrTail.subarray(stderrTail.length - opts.stderrTailBytes);
    });
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode: exit?.code ?? code,
        exitSignal: exit?.signal ?? signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrTail: stderrTail.toString('utf8'),
        stoppedFor,
        spawnError,
        durationMs: performance.now() - started,
      });
    };
    child.on('error', (e) => {
      spawnError = e.message;
      // A command that never started has no exit or close to wait for.
      if (child.pid === undefined) finish(null, null);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Children it left behind would hold the pipes open; they go with it.
      killGroup('SIGKILL');
      // One that left the group (setsid) can still hold them; stop waiting for it.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal);
      }, opts.killGraceMs + PIPE_DRAIN_MS).unref();
    });
    child.on('close', (code, signal) => finish(code, signal));
    if (opts.signal?.aborted) onAbort();
  });
}
