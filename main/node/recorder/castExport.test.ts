import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCasts, formatExportResult } from './castExport';
import { manualClock, openTestLog, tempDir, testKey } from './testKit';

const ASCIINEMA = '/usr/bin/asciinema';
/** `asciinema cat` opens /dev/tty, so it runs under util-linux `script`, which gives it a terminal. */
const SCRIPT = '/usr/bin/script';
const canPlay = existsSync(ASCIINEMA) && existsSync(SCRIPT);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const OUTPUT_P1 = ['$ ', 'l', 's\r\n', 'README.md  \x1b[1;34msrc\x1b[0m\r\n', 'é ✓ 日本 🚀\r\n', '$ '];

/** Two terminals; p1 opens at attempt time 2 s, types `ls`, is resized; a score, a pause and a resume in between. */
async function buildLog(): Promise<void> {
  const clock = manualClock(Date.UTC(2025, 0, 1, 9, 0, 0));
  const log = await openTestLog(dir, testKey(), { clock });
  let t: number;
  log.append('app', 'app.start', {}, 0);
  log.append('scorer', 'scorer.result', { id: 's0', score: 9, elapsedMs: 1 }, 500); // before p1 opened: no marker
  clock.advance(2_000);
  log.append('pty', 'pty.open', { ptyId: 'p1', cols: 120, rows: 40 }, (t = 2_000));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: OUTPUT_P1[0]! }, (t += 10));
  log.append('pty', 'pty.input', { ptyId: 'p1', data: 'l' }, (t += 200));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: OUTPUT_P1[1]! }, (t += 5));
  log.append('pty', 'pty.input', { ptyId: 'p1', data: 's' }, (t += 180));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: OUTPUT_P1[2]! }, (t += 5));
  log.append('pty', 'pty.output', { ptyId: '../p2', data: 'other terminal\r\n' }, (t += 1));
  log.append('pty', 'pty.resize', { ptyId: 'p1', cols: 100, rows: 30 }, (t += 300));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: OUTPUT_P1[3]! }, (t += 7));
  log.append('scorer', 'scorer.result', { id: 's1', score: 4.25, message: 'ok', elapsedMs: 900 }, (t += 1_000));
  log.append('app', 'app.pause', { reason: 'lunch' }, (t += 10));
  log.append('app', 'app.resume', {}, t);
  log.append('pty', 'pty.output', { ptyId: 'p1', data: OUTPUT_P1[4]! }, (t += 3));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: OUTPUT_P1[5]! }, t + 3);
  await log.close();
}

async function readCast(path: string): Promise<{ header: Record<string, unknown>; events: [number, string, string][] }> {
  const [head, ...rest] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  return { header: JSON.parse(head!), events: rest.map((l) => JSON.parse(l)) };
}

describe('exportCasts', () => {
  it('writes one asciicast v2 file per terminal whose output is the recorded output', async () => {
    await buildLog();
    const out = join(dir, 'casts');
    const r = await exportCasts(dir, out);
    expect(r.records).toBe(16);
    expect((await readdir(out)).sort()).toEqual(['pty-___p2.cast', 'pty-p1.cast']);
    expect(formatExportResult(r)).toMatch(/exported 2 terminal/);

    const { header, events } = await readCast(join(out, 'pty-p1.cast'));
    expect(header).toEqual({ version: 2, width: 120, height: 40, timestamp: Date.UTC(2025, 0, 1, 9, 0, 2) / 1000, title: 'att-test · terminal p1' });
    expect(events.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toBe(OUTPUT_P1.join(''));
    expect(events.filter((e) => e[1] === 'i').map((e) => e[2])).toEqual(['l', 's']);
    expect(events.filter((e) => e[1] === 'r')).toEqual([[0.701, 'r', '100x30']]);
    expect(events.filter((e) => e[1] === 'm').map((e) => e[2])).toEqual(['score: 4.25 (ok)', 'pause: lunch', 'resume']);
    expect(events[0]).toEqual([0.01, 'o', '$ ']);
    const times = events.map((e) => e[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const p2 = await readCast(join(out, 'pty-___p2.cast'));
    expect(p2.header).toMatchObject({ width: 80, height: 24 });
    expect(p2.events[0]).toEqual([0, 'o', 'other terminal\r\n']);
  });

  describe.skipIf(!canPlay)(`with ${ASCIINEMA} under ${SCRIPT} (skipped where either is not installed)`, () => {
    it('plays back through `asciinema cat` to the same bytes', async () => {
      await buildLog();
      const out = join(dir, 'casts');
      await exportCasts(dir, out);
      const played = join(dir, 'played.bin');
      // Output goes to a file, not through the terminal, so no line discipline touches the bytes.
      execFileSync(SCRIPT, ['-qec', `${ASCIINEMA} cat '${join(out, 'pty-p1.cast')}' > '${played}'`, '/dev/null'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, HOME: dir },
      });
      expect((await readFile(played)).equals(Buffer.from(OUTPUT_P1.join(''), 'utf8'))).toBe(true);
    });
  });
});
