/**
 * One terminal tab: an xterm instance and the pty behind it. Lives outside React so hiding a tab, leaving the
 * attempt view or re-rendering never drops the shell or its scrollback; the component only lends it a container.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { api } from '../api/client';
import { AckBatcher } from './AckBatcher';
import { registerPty, unregisterPty } from './ptyRouter';

export interface TerminalSessionEvents {
  onPty(ptyId: string): void;
  onExit(exitCode: number): void;
  onError(e: unknown): void;
  /** Text pasted into this terminal (it also reaches the pty as input); ptyId is unset before the shell exists. */
  onPaste(text: string, ptyId: string | undefined): void;
}

/** Resizes settle while a splitter is dragged; the pty (and the program in it) hears only the last size. */
const RESIZE_DEBOUNCE_MS = 60;

const THEME = {
  background: '#101216',
  foreground: '#d8dee9',
  cursor: '#d8dee9',
  selectionBackground: '#3b4252',
};

export class TerminalSession {
  readonly element: HTMLDivElement;
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private ptyId?: string;
  private opened = false;
  private starting = false;
  private exited = false;
  private disposed = false;
  /** Keystrokes typed before the pty exists; sent once it does. */
  private earlyInput = '';
  private acker?: AckBatcher;
  private resizeTimer?: ReturnType<typeof setTimeout>;
  private lastSize = { cols: 0, rows: 0 };

  /** `attach`: a shell that is already running (the page was reloaded), shown from its recent output. */
  constructor(
    readonly attemptId: string,
    readonly n: number,
    private readonly events: TerminalSessionEvents,
    private attach?: { ptyId: string; backlog: string },
  ) {
    this.element = document.createElement('div');
    this.element.className = 'xterm-host';
    this.term = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      cursorBlink: true,
      scrollback: 10_000,
      theme: THEME,
      allowProposedApi: false,
    });
    this.term.loadAddon(this.fit);
    this.term.onData((data) => this.input(data));
    // xterm takes pastes from the clipboard event on its textarea; listening in the capture phase on our own
    // element sees the same text without depending on xterm's bracketed-paste handling.
    this.element.addEventListener(
      'paste',
      (e) => {
        const text = e.clipboardData?.getData('text/plain');
        if (text) this.events.onPaste(text, this.ptyId);
      },
      true,
    );
  }

  /** Puts the terminal into a container on screen; the first time, opens xterm and starts the pty. */
  mount(container: HTMLElement): void {
    if (this.element.parentElement !== container) container.appendChild(this.element);
    if (!this.opened) {
      this.term.open(this.element);
      this.opened = true;
    }
    if (this.attach) {
      const { ptyId, backlog } = this.attach;
      this.attach = undefined;
      this.term.write(backlog);
      this.connect(ptyId);
      return;
    }
    if (!this.ptyId && !this.starting && !this.exited) void this.start();
  }

  private visible(): boolean {
    return this.element.clientWidth > 0 && this.element.clientHeight > 0;
  }

  private fitNow(): void {
    if (!this.opened || !this.visible()) return;
    try {
      this.fit.fit();
    } catch {
      // Fit measures the renderer; before the first paint it can throw, and the next resize fits again.
    }
  }

  private async start(): Promise<void> {
    this.starting = true;
    this.fitNow();
    this.lastSize = { cols: this.term.cols, rows: this.term.rows };
    try {
      const { ptyId } = await api.ptyCreate(this.attemptId, { cols: this.term.cols, rows: this.term.rows });
      if (this.disposed) {
        void api.ptyKill(ptyId).catch(() => undefined);
        return;
      }
      this.connect(ptyId);
    } catch (e) {
      this.term.write(`\r\n[could not start a shell: ${e instanceof Error ? e.message : String(e)}]\r\n`);
      this.exited = true;
      this.events.onError(e);
    } finally {
      this.starting = false;
    }
  }

  /** From now on this tab shows the pty's output and sends it what is typed. */
  private connect(ptyId: string): void {
    this.ptyId = ptyId;
    this.acker = new AckBatcher({ send: (chars) => void api.ptyAck(ptyId, chars).catch(() => undefined) });
    registerPty(ptyId, { write: (d) => this.write(d), exit: (c) => this.exit(c) });
    this.events.onPty(ptyId);
    if (this.earlyInput) {
      const early = this.earlyInput;
      this.earlyInput = '';
      this.input(early);
    }
    // The container may have changed size while the pty was being made (or the old page had another size).
    this.resize();
  }

  private input(data: string): void {
    if (this.exited) return;
    if (!this.ptyId) {
      this.earlyInput += data;
      return;
    }
    api.ptyInput(this.ptyId, data).catch((e: unknown) => this.events.onError(e));
  }

  private write(data: string): void {
    const acker = this.acker;
    // Acknowledged once xterm has parsed it: the host's flow control counts what the screen has really taken.
    this.term.write(data, () => acker?.add(data.length));
  }

  private exit(exitCode: number): void {
    if (this.exited) return;
    this.exited = true;
    this.acker?.flush();
    this.term.write(`\r\n[process exited with code ${exitCode}]\r\n`);
    if (this.ptyId) unregisterPty(this.ptyId);
    this.events.onExit(exitCode);
  }

  /** Refits to the container and tells the pty, debounced. */
  resize(): void {
    this.fitNow();
    if (this.resizeTimer !== undefined) clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = undefined;
      const { cols, rows } = this.term;
      if (!this.ptyId || this.exited || (cols === this.lastSize.cols && rows === this.lastSize.rows)) return;
      this.lastSize = { cols, rows };
      api.ptyResize(this.ptyId, cols, rows).catch((e: unknown) => this.events.onError(e));
    }, RESIZE_DEBOUNCE_MS);
  }

  focus(): void {
    this.term.focus();
  }

  /** Closes the tab: kills the shell when `kill` (closing a tab), keeps it when the attempt is already over. */
  dispose(kill: boolean): void {
    this.disposed = true;
    if (this.resizeTimer !== undefined) clearTimeout(this.resizeTimer);
    this.acker?.dispose();
    if (this.ptyId) {
      unregisterPty(this.ptyId);
      if (kill && !this.exited) void api.ptyKill(this.ptyId).catch(() => undefined);
    }
    this.term.dispose();
    this.element.remove();
  }
}
