/**
 * Test-only: a seeded terminal session with what real shells and programs print: a coloured prompt, echoed
 * typing, long wrapping lines, progress bars redrawn with \r and erase-line, clear screen, 256-colour and
 * true-colour text, wide and combining characters, tabs, a full-screen program on the alternate screen with a
 * scroll region, resizes. Output is cut into chunks at random places, escape sequences included, as the pty host's
 * batches are.
 */
import { int, pick, prng } from './prng';

export type SessionStep =
  | { kind: 'input'; data: string }
  | { kind: 'output'; data: string }
  | { kind: 'resize'; cols: number; rows: number };

const PROMPT = '\x1b[1;32mexpert@gpu\x1b[0m:\x1b[1;34m~/workspace\x1b[0m$ ';
const COMMANDS = ['ls --color', 'python train.py', 'nvidia-smi', 'cat notes.md', 'pytest -q', 'htop', 'grep -rn loss .'];
const WORDS = ['loss', 'step', 'grad', 'naïve', 'café', '✓', '你好', 'e\u0301', 'tensor', '😀', 'lr=3e-4'];

function lsOutput(random: () => number): string {
  const names = ['solution.py', 'train.py', 'data/', 'notes.md', 'runs/', 'score.log'];
  return names.map((n) => (n.endsWith('/') ? `\x1b[01;34m${n}\x1b[0m` : random() < 0.3 ? `\x1b[01;32m${n}\x1b[0m` : n)).join('  ') + '\r\n';
}

function trainOutput(random: () => number): string {
  let s = '';
  for (let step = 0; step <= 100; step += int(random, 5, 25)) {
    const bar = '#'.repeat(step / 5).padEnd(20, '.');
    s += `\r\x1b[K[${bar}] ${String(step).padStart(3)}% loss=\x1b[38;5;${int(random, 16, 231)}m${(2 / (step + 1)).toFixed(4)}\x1b[0m`;
  }
  s += '\r\n';
  for (let i = 0; i < int(random, 3, 40); i++) {
    s += `epoch ${i} ${Array.from({ length: int(random, 2, 30) }, () => pick(random, WORDS)).join(' ')}\r\n`;
  }
  return s;
}

/** A full-screen program; it leaves the alternate screen itself when `exits`, else the caller sends q later. */
function fullScreen(random: () => number, rows: number, exits: boolean): string {
  // An htop-like program: alternate screen, a scroll region, absolute cursor moves, reverse video, then back.
  let s = '\x1b[?1049h\x1b[?1h\x1b=\x1b[H\x1b[2J';
  s += `\x1b[1;1H\x1b[7m PID USER  %CPU COMMAND ${' '.repeat(20)}\x1b[27m`;
  s += `\x1b[3;${rows - 1}r`;
  for (let i = 0; i < int(random, 5, 30); i++) s += `\x1b[${rows - 1};1H\n${int(random, 100, 9999)} expert ${(random() * 100).toFixed(1)} python`;
  s += '\x1b[r';
  s += `\x1b[${rows};1H\x1b[48;2;40;40;90mF1Help F10Quit\x1b[0m`;
  if (exits) s += '\x1b[?1049l\x1b[?1l\x1b>';
  return s;
}

/** A session of `commands` commands; `size` is the terminal's size at the start. */
export function shellSession(seed: number, commands: number, size: { cols: number; rows: number }): SessionStep[] {
  const random = prng(seed);
  const steps: SessionStep[] = [];
  let rows = size.rows;
  let altScreen = false;
  const out = (data: string) => {
    // Cut anywhere except inside a surrogate pair (the pty host decodes UTF-8 before batching).
    let i = 0;
    while (i < data.length) {
      let j = Math.min(data.length, i + int(random, 1, 300));
      if (j < data.length && data.charCodeAt(j - 1) >= 0xd800 && data.charCodeAt(j - 1) <= 0xdbff) j++;
      steps.push({ kind: 'output', data: data.slice(i, j) });
      i = j;
    }
  };
  out(PROMPT);
  for (let c = 0; c < commands; c++) {
    if (altScreen) {
      steps.push({ kind: 'input', data: 'q' });
      out('\x1b[?1049l\x1b[?1l\x1b>');
      altScreen = false;
      out(PROMPT);
    }
    const cmd = pick(random, COMMANDS);
    for (const ch of cmd) {
      steps.push({ kind: 'input', data: ch });
      out(ch);
    }
    steps.push({ kind: 'input', data: '\r' });
    out('\r\n');
    if (cmd.startsWith('ls')) out(lsOutput(random));
    else if (cmd.startsWith('python')) out(trainOutput(random));
    else if (cmd === 'htop') {
      altScreen = random() < 0.5;
      out(fullScreen(random, rows, !altScreen));
      if (altScreen) continue;
    } else if (cmd === 'nvidia-smi') out('\x1b[H\x1b[2J' + `| GPU  Name  | Memory-Usage |\r\n|   0  H100  | ${int(random, 1, 80)}MiB / 81559MiB |\r\n`);
    else out(`${Array.from({ length: int(random, 10, 400) }, () => pick(random, WORDS)).join(' ')}\r\n`);
    if (random() < 0.08) {
      const cols = int(random, 40, 160);
      rows = int(random, 10, 50);
      steps.push({ kind: 'resize', cols, rows });
    }
    out(PROMPT);
  }
  return steps;
}
