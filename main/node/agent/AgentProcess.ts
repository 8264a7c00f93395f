import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AgentProcessOptions {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  /** stdio: the MCP connection runs over the agent's stdin and stdout. http: its stdout is just logged. */
  mcpOverStdio: boolean;
  /** Where the agent's stderr (and stdout, when it is not the MCP connection) go, up to `logLimitBytes`. */
  logFile: string;
  logLimitBytes?: number;
  /** Called when the agent breaks the stdio protocol beyond repair (a line longer than the limit). */
  onFlood?: (why: string) => void;
}

/**
 * A JSON-RPC message over stdio is one line; a line this long is a flood, not a message (the largest real one is a
 * write_file of at most 1 MiB, escaped). Kept small because the SDK's read buffer copies itself on every chunk.
 */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
const DEFAULT_LOG_LIMIT = 4 * 1024 * 1024;

/** Passes a stream through, failing it when a line grows past the limit (an agent flooding its stdout). */
class LineGuard extends Transform {
  private run = 0;
  constructor(
    private readonly max: number,
    private readonly onFlood: (why: string) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const nl = chunk.lastIndexOf(10);
    this.run = nl < 0 ? this.run + chunk.length : chunk.length - nl - 1;
    if (this.run > this.max) {
      this.onFlood(`the agent wrote a line over ${this.max} bytes to stdout (not an MCP message)`);
      this.run = 0;
      return cb();
    }
    cb(null, chunk);
  }
}

/** Copies a stream into a log file up to a byte limit, then counts what it drops. */
function capInto(src: Readable, out: WriteStream, state: { written: number; dropped: number; limit: number }): void {
  src.on('data', (b: Buffer) => {
    const room = state.limit - state.written;
    if (room > 0) out.write(b.subarray(0, room));
    state.written += Math.min(room > 0 ? room : 0, b.length);
    if (b.length > room) state.dropped += b.length - Math.max(0, room);
  });
}

/**
 * The agent's process: its own process group (so a stop reaches everything it started), stdin/stdout for MCP or
 * logged, stderr logged with a cap. stop() sends SIGTERM to the group, then SIGKILL after the grace period.
 */
export class AgentProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<AgentExit>;
  /** The agent's stdout, guarded against floods: the MCP transport reads this (stdio mode). */
  readonly stdout?: Readable;
  private readonly log: WriteStream;
  private readonly logState: { written: number; dropped: number; limit: number };
  private exit?: AgentExit;

  constructor(o: AgentProcessOptions) {
    const [file, ...args] = o.argv;
    if (!file) throw new Error('no agent command');
    this.log = createWriteStream(o.logFile, { flags: 'a', mode: 0o600 });
    this.logState = { written: 0, dropped: 0, limit: o.logLimitBytes ?? DEFAULT_LOG_LIMIT };
    this.child = spawn(file, args, { cwd: o.cwd, env: o.env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve((this.exit = { code, signal })));
      // A command that cannot start (ENOENT) never gets an exit event.
      this.child.once('error', (e) => {
        this.log.write(`redesk: the agent could not start: ${e.message}\n`);
        resolve((this.exit = { code: 127, signal: null }));
      });
    });
    // Writes to a dead agent's stdin must not crash the runner.
    this.child.stdin!.on('error', () => undefined);
    capInto(this.child.stderr!, this.log, this.logState);
    if (o.mcpOverStdio) {
      this.stdout = this.child.stdout!.pipe(new LineGuard(MAX_LINE_BYTES, (why) => o.onFlood?.(why)));
    } else {
      capInto(this.child.stdout!, this.log, this.logState);
    }
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get droppedLogBytes(): number {
    return this.logState.dropped;
  }

  /** SIGTERM to the agent's process group; SIGKILL after `graceMs` if it is still there. Resolves once it exited. */
  async stop(graceMs: number): Promise<{ exit: AgentExit; killed: boolean }> {
    if (this.exit) return { exit: this.exit, killed: false };
    this.signal('SIGTERM');
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
    const first = await Promise.race([this.exited, timer]);
    if (first !== 'late') return { exit: first, killed: false };
    this.signal('SIGKILL');
    return { exit: await this.exited, killed: true };
  }

  /** After the agent is gone: SIGKILL anything it left in its group (a forked child ignoring SIGTERM). */
  reapGroup(): void {
    this.signal('SIGKILL');
  }

  async closeLog(): Promise<void> {
    if (this.logState.dropped > 0) this.log.write(`\nredesk: ${this.logState.dropped} more bytes of agent output were dropped (log cap ${this.logState.limit} bytes)\n`);
    await new Promise<void>((r) => this.log.end(() => r()));
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is gone already.
    }
  }
}
