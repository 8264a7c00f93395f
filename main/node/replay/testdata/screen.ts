/**
 * Test-only: what a terminal shows, read from a headless xterm's buffers: every line of scrollback and screen
 * (text, wrap flag, and each cell's colours and style), the cursor, and which buffer is active.
 */
import xtermHeadless from '@xterm/headless';
import { REPLAY_SCROLLBACK } from '../HeadlessTerminal';

const { Terminal } = xtermHeadless;
export type HeadlessXterm = InstanceType<typeof Terminal>;

export interface Screen {
  cols: number;
  rows: number;
  active: string;
  cursor: [number, number];
  normal: string[];
  alternate?: string[];
}

export function newTerminal(cols: number, rows: number): HeadlessXterm {
  return new Terminal({ cols, rows, scrollback: REPLAY_SCROLLBACK, allowProposedApi: true });
}

export function settle(term: HeadlessXterm): Promise<void> {
  return new Promise((resolve) => term.write('', resolve));
}

function lines(buffer: HeadlessXterm["buffer"]["normal"], cols: number): string[] {
  const out: string[] = [];
  const cell = buffer.getNullCell();
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i)!;
    let style = '';
    for (let x = 0; x < cols; x++) {
      line.getCell(x, cell);
      style += `${cell.getFgColorMode()}.${cell.getFgColor()}.${cell.getBgColorMode()}.${cell.getBgColor()}.${cell.isBold()}${cell.isInverse()}${cell.isUnderline()}${cell.getWidth()},`;
    }
    // The first line's wrap flag says it continues a line that scrolled away; nothing can show it, and a
    // serialized screen cannot carry it.
    out.push(`${line.isWrapped && i > 0 ? '↩' : ''}${line.translateToString(true)}|${style}`);
  }
  // Blank lines at the bottom depend on how the screen was reached, not on what it shows.
  while (out.length && /^\|(0\.-1\.0\.-1\.000?1,)*$/.test(out[out.length - 1]!)) out.pop();
  return out;
}

export function screenOf(term: HeadlessXterm): Screen {
  const active = term.buffer.active;
  return {
    cols: term.cols,
    rows: term.rows,
    active: active.type,
    cursor: [active.cursorX, active.cursorY],
    normal: lines(term.buffer.normal, term.cols),
    ...(active.type === 'alternate' ? { alternate: lines(term.buffer.alternate, term.cols) } : {}),
  };
}

/** The screen a replay frame's serialized terminal shows, written into a fresh terminal of the frame's size. */
export async function screenFromSerialized(cols: number, rows: number, serialized: string): Promise<Screen> {
  const term = newTerminal(cols, rows);
  term.write(serialized);
  await settle(term);
  const s = screenOf(term);
  term.dispose();
  return s;
}
