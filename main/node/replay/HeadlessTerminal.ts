import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/**
 * Scrollback kept by replayed terminals. Every snapshot and frame serializes it, so it prices both: 1000 lines is a
 * few screens of history per frame; the live terminal keeps more, which a replay cannot show beyond this.
 */
export const REPLAY_SCROLLBACK = 1000;

/** The few xterm internals a snapshot needs (SerializeAddon reads the pen the same way). */
interface XtermCore {
  _inputHandler?: {
    _parser?: { currentState: number; initialState: number };
    _stringDecoder?: { _interim?: number };
    _charsetService?: { glevel: number; charset: unknown };
  };
  buffer?: { x: number; y: number; savedX: number; savedY: number; scrollTop: number; scrollBottom: number };
}

/**
 * One terminal rebuilt from its output: a headless xterm with the serialize addon. xterm parses writes
 * asynchronously and in order; a resize is queued behind the writes before it (as a write callback), so it lands
 * exactly where the record was. settle() resolves once everything queued has been parsed.
 */
export class HeadlessTerminal {
  private readonly term: InstanceType<typeof Terminal>;
  private readonly serializer = new SerializeAddon();
  /** Characters written and not yet known to be parsed; the indexer settles before this gets large. */
  pendingChars = 0;
  exited = false;

  constructor(
    public cols: number,
    public rows: number,
  ) {
    this.term = new Terminal({ cols, rows, scrollback: REPLAY_SCROLLBACK, allowProposedApi: true });
    this.term.loadAddon(this.serializer);
  }

  /** A terminal restored from serialize() output taken at this size. */
  static restore(cols: number, rows: number, serialized: string): HeadlessTerminal {
    const t = new HeadlessTerminal(cols, rows);
    t.write(serialized);
    return t;
  }

  write(data: string): void {
    if (!data) return;
    this.pendingChars += data.length;
    this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.term.write('', () => this.term.resize(cols, rows));
  }

  settle(): Promise<void> {
    return new Promise((resolve) => this.term.write('', () => ((this.pendingChars = 0), resolve())));
  }

  /**
   * Screen, scrollback, cursor, modes and the current pen, as escape sequences, plus what SerializeAddon leaves out
   * and a replay needs to go on writing: the scroll region and the saved cursor. Call after settle().
   */
  serialize(): string {
    return this.serializer.serialize() + this.hiddenState().suffix;
  }

  /**
   * Whether serialize() captures everything that decides how the next output lands. Not while the parser is inside
   * an escape sequence or half a surrogate pair (the pty host cuts batches anywhere), while a cursor waits to wrap,
   * in origin mode, or with another character set selected: a snapshot taken then would replay differently.
   */
  get snapshotSafe(): boolean {
    return this.hiddenState().safe;
  }

  private hiddenState(): { safe: boolean; suffix: string } {
    const core = (this.term as unknown as { _core?: XtermCore })._core;
    const ih = core?._inputHandler;
    const b = core?.buffer;
    // An xterm whose internals moved: rely on the indexer's restore check alone.
    if (!ih?._parser || !b || typeof b.scrollTop !== 'number') return { safe: true, suffix: '' };
    const cs = ih._charsetService;
    const safe =
      ih._parser.currentState === ih._parser.initialState &&
      !ih._stringDecoder?._interim &&
      b.x < this.cols &&
      !this.term.modes.originMode &&
      (!cs || (cs.glevel === 0 && cs.charset === undefined));
    let suffix = '';
    if (b.savedX || b.savedY) suffix += `\x1b[${b.savedY + 1};${b.savedX + 1}H\x1b7`;
    if (b.scrollTop !== 0 || b.scrollBottom !== this.rows - 1) suffix += `\x1b[${b.scrollTop + 1};${b.scrollBottom + 1}r`;
    if (suffix) suffix += `\x1b[${b.y + 1};${b.x + 1}H`;
    return { safe, suffix };
  }

  /** The xterm itself, for tests that read its buffers. */
  get xterm(): InstanceType<typeof Terminal> {
    return this.term;
  }

  dispose(): void {
    this.term.dispose();
  }
}
