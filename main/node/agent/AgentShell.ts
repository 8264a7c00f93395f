import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialQueue } from '../attempts/SerialQueue';
import type { AgentHost } from './agentHost';
import { OutputCap } from './OutputCap';

export interface ShellResult {
  output: string;
  /** The command's exit status; null when it timed out or the shell died without one. */
  exitCode: number | null;
  timedOut: boolean;
  /** Characters of output left out of the middle (over the cap). */
  elidedChars: number;
  /** Set when the command printed more than the flood limit and was stopped. */
  flooded?: boolean;
  /** Set when the shell is gone after this call (exit, timeout, flood): the next call starts a fresh one. */
  restarted?: string;
}

export interface AgentShellOptions {
  host: AgentHost;
  attemptId: string;
  /** Output kept per call: head and tail halves, the middle elided with a marker. */
  maxOutputChars: number;
  /**
   * Output one command may print in all (it is all recorded, as a human's terminal is) before it is stopped: the
   * agent acknowledges output at once, so without this a `yes` would fill the disk at full speed.
   */
  maxCallChars: number;
  cols?: number;
  rows?: number;
}

/** How long the shell may take to start and run its setup line (rc files included). */
const SETUP_TIMEOUT_MS = 15_000;
/** An OSC sequence terminals ignore: how the shell tells where a command's output starts and ends, with its status. */
const OSC = '\x1b]6973;';

/**
 * The agent's terminal: one interactive shell in a pty made through the API's ptyCreate (so it is a terminal of the
 * attempt like the expert's, recorded by the TerminalRecorder and shown by replay and cast export), kept between
 * calls so `cd` and variables persist. Each command is written to a script file and sourced; the shell prints the
 * command as `$ …` before running it and an invisible marker with the exit status after. Echo and prompts are off,
 * so what the command prints is exactly the output between the markers.
 */
export class AgentShell {
  private ptyId?: string;
  private nonce = '';
  private scripts?: string;
  private n = 0;
  private sink?: (data: string) => void;
  private exitSink?: (exitCode: number) => void;
  private readonly queue = new SerialQueue();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly o: AgentShellOptions) {
    this.unsubscribe = o.host.onEvent((name, payload) => {
      if (name === 'pty.data') {
        const p = payload as { ptyId: string; data: string };
        if (p.ptyId !== this.ptyId) return;
        // Flow control: the agent reads everything it is sent, so everything is acknowledged at once.
        void o.host.api.ptyAck(p.ptyId, p.data.length).catch(() => undefined);
        this.sink?.(p.data);
      } else if (name === 'pty.exit') {
        const p = payload as { ptyId: string; exitCode: number };
        if (p.ptyId !== this.ptyId) return;
        this.ptyId = undefined;
        this.exitSink?.(p.exitCode);
      }
    });
  }

  /** The pty the shell runs in, once started. */
  get terminal(): string | undefined {
    return this.ptyId;
  }

  run(command: string, timeoutMs: number): Promise<ShellResult> {
    return this.queue.run(() => this.runNow(command, timeoutMs));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    if (this.ptyId) await this.o.host.api.ptyKill(this.ptyId).catch(() => undefined);
    this.ptyId = undefined;
    if (this.scripts) await rm(this.scripts, { recursive: true, force: true }).catch(() => undefined);
  }

  private async runNow(command: string, timeoutMs: number): Promise<ShellResult> {
    if (this.disposed) throw new Error('the agent shell is closed');
    const restartedBefore = this.ptyId === undefined && this.n > 0;
    await this.ensureShell();
    const n = ++this.n;
    const script = join(this.scripts!, `${n}.sh`);
    // The script shows the command (as a human's terminal would) and marks where its output starts, with builtins
    // only: no process is started for the bookkeeping.
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    await writeFile(script, `printf '%s\\n' ${q(`$ ${command}`)}; printf '\\033]6973;%s;%s;start\\007' ${this.nonce} ${n}\n${command}\n`, { mode: 0o600 });
    const start = `${OSC}${this.nonce};${n};start\x07`;
    const endRe = new RegExp(`\\x1b\\]6973;${this.nonce};${n};end;(\\d+)\\x07`);
    const cap = new OutputCap(this.o.maxOutputChars);
    let started = false;
    let pre = '';
    type End = { exitCode: number | null; timedOut: boolean; exited?: boolean; flooded?: boolean };
    const result = new Promise<End>((resolve) => {
      const timer = setTimeout(() => resolve({ exitCode: null, timedOut: true }), timeoutMs);
      const done = (r: End) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.sink = (data) => {
        if (!started) {
          pre += data;
          const i = pre.indexOf(start);
          if (i < 0) return;
          started = true;
          data = pre.slice(i + start.length);
          pre = '';
        }
        cap.push(data);
        const m = endRe.exec(cap.tailText(256));
        if (m) done({ exitCode: Number(m[1]), timedOut: false });
        else if (cap.totalChars > this.o.maxCallChars) done({ exitCode: null, timedOut: false, flooded: true });
      };
      this.exitSink = (exitCode) => done({ exitCode, timedOut: false, exited: true });
    });
    await this.o.host.api.ptyInput(this.ptyId!, ` . ${q(script)}; printf '\\033]6973;%s;%s;end;%d\\007' ${this.nonce} ${n} $?\n`);
    const r = await result;
    this.sink = undefined;
    this.exitSink = undefined;
    let restarted: string | undefined;
    if (r.timedOut || r.flooded) {
      // The command may ignore ^C; closing its terminal hangs up the whole job. The next call starts a new shell.
      const id = this.ptyId;
      this.ptyId = undefined;
      if (id) await this.o.host.api.ptyKill(id).catch(() => undefined);
      restarted = `the command ${r.flooded ? `printed over ${this.o.maxCallChars} characters and was stopped` : 'timed out'}; its shell was closed and the next call starts a new one (cwd and variables reset)`;
    } else if (r.exited) {
      restarted = 'the shell exited; the next call starts a new one (cwd and variables reset)';
    } else if (restartedBefore) {
      restarted = 'this call ran in a new shell (the previous one had exited)';
    }
    const text = cap.text((s) => cleanTerminalText(s.replace(endRe, '')));
    return { output: text.output, exitCode: r.exitCode, timedOut: r.timedOut, elidedChars: text.elidedChars, ...(r.flooded ? { flooded: true } : {}), ...(restarted ? { restarted } : {}) };
  }

  private async ensureShell(): Promise<void> {
    if (this.ptyId) return;
    this.scripts ??= await mkdtemp(join(tmpdir(), 'redesk-agent-'));
    this.nonce = randomBytes(8).toString('hex');
    const ready = `${OSC}${this.nonce};ready\x07`;
    let seen = '';
    const ok = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), SETUP_TIMEOUT_MS);
      this.sink = (data) => {
        seen = (seen + data).slice(-4096);
        if (seen.includes(ready)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      this.exitSink = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    const { ptyId } = await this.o.host.api.ptyCreate(this.o.attemptId, { cols: this.o.cols ?? 160, rows: this.o.rows ?? 40, owner: 'agent' });
    this.ptyId = ptyId;
    // No line editing (so the tty's echo setting holds), no echo, no prompts, no history file, and the screen cleared
    // of the setup line's echo: the terminal shows the `$ command` lines the scripts print and the commands' output.
    // (The setup line itself stays in the record as the pty.input it is.) A user whose shell is not bash (zsh's line
    // editor echoes whatever the tty says) gets a plain bash for the agent, started from their shell.
    await this.o.host.api.ptyInput(
      ptyId,
      ` [ -n "$BASH_VERSION" ] || exec bash --norc --noprofile -i\n set +o emacs +o vi 2>/dev/null; stty -echo; unset HISTFILE PROMPT_COMMAND; PS1=''; PS2=''; printf '\\033[H\\033[2J\\033[3J\\033]6973;%s;ready\\007' ${this.nonce}\n`,
    );
    const good = await ok;
    this.sink = undefined;
    this.exitSink = undefined;
    if (!good) {
      const id = this.ptyId;
      this.ptyId = undefined;
      if (id) await this.o.host.api.ptyKill(id).catch(() => undefined);
      throw new Error('the shell did not start (no answer to its setup line)');
    }
  }
}

/** Terminal text as an agent wants it: no escape sequences, `\n` line ends. */
export function cleanTerminalText(s: string): string {
  // Matching escape sequences is the point here.
  /* eslint-disable no-control-regex */
  return s
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][0-9A-Za-z]/g, '')
    .replace(/\x1b[=>78]/g, '')
    .replace(/\r+\n/g, '\n');
  /* eslint-enable no-control-regex */
}
