// The synthetic attempt the trajectory and replay benches share: an 8-hour expert session in compressed time,
// written through the real EventLog.
import { createHash, generateKeyPairSync } from 'node:crypto';

export const WORDS = 'import torch model train loss optimizer step batch grad lr scheduler for in range print def return self x y'.split(' ');
const PROMPT = '\x1b[1;32mexpert@gpu\x1b[0m:\x1b[1;34m~/ws\x1b[0m$ ';

/**
 * The attempt of scripts/bench/trajectory.mjs, with what a replay needs to be realistic: typing at 5 keys/s
 * throughout, alternating 10-minute spells in the terminal (input + echo, a command every ~20 keys with 0.5-8 KiB
 * of coloured output, one in 20 a 64 KiB burst) and in the editor (a file opened with its content, a Monaco change
 * per key, cursor once a second, a save every 2 minutes with the true hash); a GPU sample every 10 s; a score every
 * 20 minutes; a focus change every ~5 minutes.
 */
/** seededRandom (main/common/seededRandom.ts) makes every run write the same attempt. */
export async function writeSyntheticAttempt({ EventLog, silentLogger, seededRandom, dir, hours, checkpointIntervalMs = 60_000, flushEveryMs = 60_000 }) {
  let ms = 0;
  const wall0 = Date.UTC(2025, 0, 1, 9);
  const clock = { monoMs: () => ms, bootId: () => 'bench', wallMs: () => wall0 + ms };
  const random = seededRandom(42);
  const key = generateKeyPairSync('ed25519');
  const log = await EventLog.open({ attemptDir: dir, attemptId: 'bench-8h', key, clock, logger: silentLogger, tuning: { commitIntervalMs: 60_000, checkpointIntervalMs } });
  const end = hours * 3600_000;
  const KEY_MS = 200;
  let text = 'import torch\n\n';
  let version = 1;
  let line = 3;
  let col = 1;
  let nextGpu = 0;
  let nextScore = 20 * 60_000;
  let nextFlush = flushEveryMs;
  let nextCursor = 0;
  let nextSave = 120_000;
  let nextFocus = 300_000;
  let keysInCommand = 0;
  let records = 0;
  const add = (src, kind, data, t) => (log.append(src, kind, data, t), records++);
  add('app', 'app.start', {}, 0);
  add('pty', 'pty.open', { ptyId: 'p1', cols: 120, rows: 32 }, 0);
  add('pty', 'pty.output', { ptyId: 'p1', data: PROMPT }, 1);
  add('editor', 'editor.open', { path: 'train.py', versionId: 1, content: text }, 2);
  for (let t = 0; t < end; t += KEY_MS) {
    ms = t;
    const inTerminal = Math.floor(t / 600_000) % 2 === 0;
    const ch = random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(random() * 26));
    if (inTerminal) {
      if (++keysInCommand >= 20) {
        keysInCommand = 0;
        add('pty', 'pty.input', { ptyId: 'p1', data: '\r' }, t);
        const size = random() < 0.05 ? 64 * 1024 : 512 + Math.floor(random() * 7.5 * 1024);
        for (let left = size; left > 0; left -= 1024) {
          let chunk = '';
          while (chunk.length < Math.min(left, 1024)) chunk += `\x1b[3${1 + Math.floor(random() * 6)}m${WORDS[Math.floor(random() * WORDS.length)]}\x1b[0m ${(random() * 10).toFixed(4)} `;
          add('pty', 'pty.output', { ptyId: 'p1', data: `${chunk}\r\n` }, t + 1);
        }
        add('pty', 'pty.output', { ptyId: 'p1', data: PROMPT }, t + 2);
      } else {
        add('pty', 'pty.input', { ptyId: 'p1', data: ch }, t);
        add('pty', 'pty.output', { ptyId: 'p1', data: ch }, t + 2);
      }
    } else {
      version++;
      const range = { startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col };
      const insert = col >= 80 ? '\n' : ch;
      add('editor', 'editor.change', { path: 'train.py', versionId: version, changes: [{ rangeOffset: text.length, rangeLength: 0, text: insert, range }], isUndo: false, isRedo: false }, t);
      text += insert;
      if (insert === '\n') [line, col] = [line + 1, 1];
      else col++;
      if (t >= nextCursor) {
        nextCursor = t + 1_000;
        add('editor', 'editor.cursor', { path: 'train.py', selections: [{ startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col }] }, t);
      }
      if (t >= nextSave) {
        nextSave = t + 120_000;
        const sha256 = createHash('sha256').update(text).digest('hex');
        add('editor', 'editor.save', { path: 'train.py', sha256, versionId: version }, t);
        add('fs', 'fs.change', { path: 'train.py', size: text.length, sha256 }, t + 5);
      }
    }
    if (t >= nextGpu) {
      nextGpu = t + 10_000;
      add('os', 'os.gpu', { gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', utilization: Math.round(random() * 100), memoryUsedMiB: Math.round(random() * 80_000), memoryTotalMiB: 81_559 }] }, t);
    }
    if (t >= nextFocus) {
      nextFocus = t + 300_000;
      add('app', 'app.blur', {}, t);
      add('app', 'app.focus', {}, t + 3_000);
    }
    if (t >= nextScore) {
      nextScore = t + 20 * 60_000;
      add('scorer', 'scorer.request', { id: `s${t}` }, t);
      add('scorer', 'scorer.result', { id: `s${t}`, score: 4 + random(), message: 'ok', elapsedMs: 45_000 }, t + 1);
      await log.flush(); // a state change
    }
    if (t >= nextFlush) {
      nextFlush = t + flushEveryMs;
      await log.flush(); // what group commit and checkpoints do in real time
    }
  }
  add('app', 'app.submit', {}, end);
  await log.close();
  return { records, end, key, clock };
}
