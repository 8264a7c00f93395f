/**
 * Typed text as the key overlay shows it: control keys by their symbol (⏎ ⌫ ⇥ ↑ ^C), printable text as is, a
 * space as ␣ so that it can be seen.
 */
const SEQUENCES: Record<string, string> = {
  '\x1b[A': '↑',
  '\x1b[B': '↓',
  '\x1b[C': '→',
  '\x1b[D': '←',
  '\x1bOA': '↑',
  '\x1bOB': '↓',
  '\x1bOC': '→',
  '\x1bOD': '←',
  '\x1b[H': 'Home',
  '\x1b[F': 'End',
  '\x1b[3~': 'Del',
  '\x1b[5~': 'PgUp',
  '\x1b[6~': 'PgDn',
  '\x1b[200~': '',
  '\x1b[201~': '',
};

const CHARS: Record<string, string> = { '\r': '⏎', '\n': '⏎', '\t': '⇥', '\x7f': '⌫', '\b': '⌫', ' ': '␣', '\x1b': 'Esc' };

export function keyLabel(text: string): string {
  let out = '';
  let i = 0;
  outer: while (i < text.length) {
    if (text[i] === '\x1b') {
      for (const [seq, label] of Object.entries(SEQUENCES)) {
        if (text.startsWith(seq, i)) {
          out += label;
          i += seq.length;
          continue outer;
        }
      }
    }
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (CHARS[ch] !== undefined) out += CHARS[ch];
    else if (code < 0x20) out += `^${String.fromCharCode(code + 64)}`;
    else out += ch;
    i++;
  }
  return out;
}
