import type { IPty } from 'node-pty';
import { FlowControl } from './FlowControl';
import { OutputBatcher } from './OutputBatcher';

/**
 * A shell that ignores SIGHUP (a user's `trap '' HUP`, a nohup'd foreground job) would survive a kill and leave a
 * terminal that never closes; after this long it gets SIGKILL. Long enough for a shell to save its history.
 */
export const KILL_GRACE_MS = 3_000;

export interface HostedPtyEvents {
  data(data: string): void;
  exit(exitCode: number, signal?: number): void;
}

/** One pty inside the host: raw reads → UTF-8-safe batches → the client, with flow control on unrendered output. */
export class HostedPty {
  private readonly batcher: OutputBatcher;
  private readonly flow: FlowControl;
  private exited = false;
  private killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly pty: IPty,
    events: HostedPtyEvents,
  ) {
    this.batcher = new OutputBatcher((data) => events.data(data));
    this.flow = new FlowControl(pty);
    // Spawned with `encoding: null`, node-pty hands over Buffers although its typings say string.
    pty.onData((chunk: string | Buffer) => {
      if (this.exited) return;
      this.flow.sent(this.batcher.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    });
    pty.onExit(({ exitCode, signal }) => {
      this.exited = true;
      if (this.killTimer !== undefined) clearTimeout(this.killTimer);
      // node-pty reports exit only after the last read, so this flush carries the final output before the exit.
      this.batcher.end();
      this.flow.dispose();
      events.exit(exitCode, signal || undefined);
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  input(data: string): void {
    if (!this.exited) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.pty.resize(cols, rows);
  }

  ack(chars: number): void {
    this.flow.ack(chars);
  }

  /** SIGHUP as a closed terminal window sends, then SIGKILL after KILL_GRACE_MS if the shell is still there. */
  kill(): void {
    if (this.exited) return;
    // A paused pty is never read to its end, and node-pty reports exit only after that: let it drain.
    this.flow.dispose();
    this.pty.kill();
    this.killTimer ??= setTimeout(() => {
      if (!this.exited) this.pty.kill('SIGKILL');
    }, KILL_GRACE_MS);
  }

  /** The host is going away: hang up at once, without waiting for the exit report (nobody is left to send it to). */
  dispose(): void {
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    this.batcher.dispose();
    if (!this.exited) this.pty.kill();
    this.exited = true;
  }
}
