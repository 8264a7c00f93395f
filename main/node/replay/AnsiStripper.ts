/**
 * Terminal output as plain text, for search: escape sequences (CSI, OSC, DCS and the like) and control characters
 * other than newline and tab are dropped. Stateful, because the pty host's batches split sequences anywhere.
 */

const ESC = 0x1b;
const BEL = 0x07;
const LF = 0x0a;
const TAB = 0x09;

type State = 'text' | 'esc' | 'csi' | 'string' | 'stringEsc';

export class AnsiStripper {
  private state: State = 'text';

  /** The printable text of the next chunk of output. */
  push(chunk: string): string {
    let out = '';
    let runStart = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.state === 'text') {
        if (c >= 0x20 ? c !== 0x7f && !(c >= 0x80 && c < 0xa0) : c === LF || c === TAB) {
          if (runStart < 0) runStart = i;
          continue;
        }
        if (runStart >= 0) {
          out += chunk.slice(runStart, i);
          runStart = -1;
        }
        if (c === ESC) this.state = 'esc';
        continue;
      }
      this.step(c);
    }
    if (runStart >= 0) out += chunk.slice(runStart);
    return out;
  }

  private step(c: number): void {
    switch (this.state) {
      case 'esc':
        if (c === 0x5b) this.state = 'csi'; // [
        else if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) this.state = 'string'; // ] P X ^ _
        else if (c >= 0x20 && c <= 0x2f) this.state = 'esc'; // intermediates, as in ESC ( B
        else this.state = 'text';
        return;
      case 'csi':
        if (c >= 0x40 && c <= 0x7e) this.state = 'text';
        else if (c === ESC) this.state = 'esc';
        return;
      case 'string':
        if (c === BEL) this.state = 'text';
        else if (c === ESC) this.state = 'stringEsc';
        return;
      case 'stringEsc':
        this.state = c === 0x5c ? 'text' : 'string'; // ESC \ is ST
        return;
      default:
        return;
    }
  }
}
