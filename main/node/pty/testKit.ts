/**
 * Test-only helpers for the pty tests: build the host entry as the app's build does, and read what a user would see
 * on screen through a headless xterm that acknowledges output as the renderer does.
 */
import { readFileSync } from 'node:fs';
import { buildTestEntry } from '../testEntry';
import xtermHeadless from '@xterm/headless';
import type { PtyService } from '../contracts';

const { Terminal } = xtermHeadless;

/**
 * Builds ptyHostMain.ts into node_modules/.cache so that node resolves the external node-pty from the repo's
 * node_modules, exactly as dist/node/ptyHost.js does. Returns the entry path and a cleanup.
 */
export function buildTestHost(): Promise<{ entry: string; cleanup: () => void }> {
  return buildTestEntry('main/node/pty/ptyHostMain.ts', 'ptyHost');
}

/** Polls until check() returns a value other than undefined; throws describe() after timeoutMs. */
export async function waitUntil<T>(check: () => T | undefined, describe: () => string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process is running (a zombie left for a non-reaping init counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One terminal as the renderer shows it: output goes into a headless xterm, acknowledged in its write callback. */
export class Screen {
  readonly term: InstanceType<typeof Terminal>;
  /** Every character received, unrendered, for byte-exact checks. */
  raw = '';
  exit: { exitCode: number; signal?: number } | undefined;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly service: PtyService,
    readonly ptyId: string,
    cols = 80,
    rows = 24,
  ) {
    this.term = new Terminal({ cols, rows, scrollback: 5_000, allowProposedApi: true });
    this.unsubscribe = [
      service.onData((id, data) => {
        if (id !== ptyId) return;
        this.raw += data;
        this.term.write(data, () => service.ack(id, data.length));
      }),
      service.onExit((id, exitCode, signal) => {
        if (id === ptyId) this.exit = { exitCode, signal };
      }),
    ];
  }

  type(text: string): void {
    this.service.input(this.ptyId, text);
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.service.resize(this.ptyId, cols, rows);
  }

  /** The screen and scrollback as lines of text. */
  text(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** Waits until the rendered text matches; returns the match. */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return waitUntil(
      () => this.text().match(re) ?? undefined,
      () => `${re} on screen of ${this.ptyId}:\n${this.text()}`,
      timeoutMs,
    );
  }

  async waitForExit(timeoutMs = 10_000): Promise<{ exitCode: number; signal?: number }> {
    return waitUntil(
      () => this.exit,
      () => `exit of ${this.ptyId}`,
      timeoutMs,
    );
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.term.dispose();
  }
}
