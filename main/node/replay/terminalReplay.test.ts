/**
 * Correctness (issue #3): replaying a terminal's output events through @xterm/headless gives the screen the live
 * terminal had, at the end and at any moment, whether the frame starts from a snapshot or from the first record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../systemClock';
import { openTestLog, tempDir, testKey } from '../recorder/testKit';
import { stateAt } from './frameAt';
import { ReplayService } from './ReplayService';
import type { SnapshotTuning } from './Snapshotter';
import { int, prng } from './testdata/prng';
import { HeadlessTerminal } from './HeadlessTerminal';
import { screenOf, type Screen } from './testdata/screen';
import { shellSession, type SessionStep } from './testdata/shellSession';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('redesk-replay-')));
afterEach(() => cleanup());

/**
 * Small intervals, so that a short session has dozens of snapshots and most seeks start from one; no snapshot that
 * fails verification is ever kept, so every frame must be exact.
 */
const SMALL_SNAPSHOTS: Partial<SnapshotTuning> = { everyMs: 3_000, everyOutputChars: 4_000, everyRecords: 200, maxStaleness: 1e9 };
const NO_SNAPSHOTS: Partial<SnapshotTuning> = { everyMs: Infinity, everyOutputChars: Infinity, everyRecords: Infinity };

function service(snapshots: Partial<SnapshotTuning> = SMALL_SNAPSHOTS): ReplayService {
  return new ReplayService({ attemptDir: () => dir, dataDir: dir, logger: silentLogger, snapshots });
}

interface Capture {
  t: number;
  /** What the live terminal showed: every line of its buffers with colours, the cursor, the active buffer. */
  screens: Record<string, Screen>;
  /** The live terminal serialized (SerializeAddon, plus the scroll region and saved cursor it leaves out). */
  serialized: Record<string, string>;
}

/**
 * Two terminals' sessions, interleaved, recorded as the host does (pty.open, input, output, resize) while the same
 * output goes through live headless terminals, whose state is captured at `captures` random moments and at the end.
 */
async function recordTerminals(seed: number, commands: number, captures: number): Promise<{ captures: Capture[]; endT: number }> {
  const random = prng(seed);
  const log = await openTestLog(dir, testKey());
  const sizes = { p1: { cols: 100, rows: 30 }, p2: { cols: 80, rows: 24 } };
  const sessions: Record<string, SessionStep[]> = { p1: shellSession(seed, commands, sizes.p1), p2: shellSession(seed + 1, commands >> 1, sizes.p2) };
  const live: Record<string, HeadlessTerminal> = {};
  const pos: Record<string, number> = { p1: 0, p2: 0 };
  let t = 0;
  for (const ptyId of ['p1', 'p2'] as const) {
    live[ptyId] = new HeadlessTerminal(sizes[ptyId].cols, sizes[ptyId].rows);
    log.append('pty', 'pty.open', { ptyId, ...sizes[ptyId] }, (t += 10));
  }
  const total = sessions.p1!.length + sessions.p2!.length;
  const captureAt = new Set(Array.from({ length: captures }, () => int(random, 0, total - 1)));
  const out: Capture[] = [];
  for (let n = 0; n < total; n++) {
    const ptyId = pos.p2! >= sessions.p2!.length || (pos.p1! < sessions.p1!.length && random() < 0.7) ? 'p1' : 'p2';
    const step = sessions[ptyId]![pos[ptyId]!++]!;
    const term = live[ptyId]!;
    t += int(random, 1, 120);
    if (step.kind === 'input') log.append('pty', 'pty.input', { ptyId, data: step.data }, t);
    else if (step.kind === 'output') {
      log.append('pty', 'pty.output', { ptyId, data: step.data }, t);
      term.write(step.data);
    } else {
      log.append('pty', 'pty.resize', { ptyId, cols: step.cols, rows: step.rows }, t);
      term.resize(step.cols, step.rows);
    }
    if (captureAt.has(n) || n === total - 1) {
      await Promise.all(Object.values(live).map((l) => l.settle()));
      const ids = Object.keys(live);
      out.push({
        t,
        screens: Object.fromEntries(ids.map((id) => [id, screenOf(live[id]!.xterm)])),
        serialized: Object.fromEntries(ids.map((id) => [id, live[id]!.serialize()])),
      });
    }
  }
  log.append('pty', 'pty.exit', { ptyId: 'p2', exitCode: 0 }, (t += 5));
  await log.close();
  for (const l of Object.values(live)) l.dispose();
  return { captures: out, endT: t };
}

/** The frame's terminals as SerializeAddon text, and the rebuilt headless terminals' screens before serializing. */
async function replayed(s: ReplayService, replayId: string, t: number): Promise<{ serialized: Record<string, string>; rebuilt: Record<string, Screen> }> {
  const frame = await s.frame(replayId, t);
  const { state } = await stateAt(s.indexOf(replayId), t);
  const rebuilt = Object.fromEntries([...state.terminals].map(([id, term]) => [id, screenOf(term.xterm)]));
  state.dispose();
  return { serialized: Object.fromEntries(frame.terminals.map((x) => [x.ptyId, x.serialized])), rebuilt };
}

describe('terminal replay', () => {
  it('shows the live screen at the end of the session', async () => {
    const { captures, endT } = await recordTerminals(21, 40, 0);
    const s = service();
    const info = await s.openReplay(dir);
    expect(info.terminals).toEqual([
      { ptyId: 'p1', cols: 100, rows: 30, firstT: 10 },
      { ptyId: 'p2', cols: 80, rows: 24, firstT: 20 },
    ]);
    const last = captures[captures.length - 1]!;
    expect((await replayed(s, info.replayId, endT)).serialized).toEqual(last.serialized);
    // Rebuilt from the first record (no snapshots), the headless terminals hold exactly the live buffers.
    const fromStart = service(NO_SNAPSHOTS);
    const b = await fromStart.openReplay(dir);
    const { state } = await stateAt(fromStart.indexOf(b.replayId), last.t);
    expect(Object.fromEntries([...state.terminals].map(([id, term]) => [id, screenOf(term.xterm)]))).toEqual(last.screens);
    state.dispose();
  });

  it('seeks to random moments and shows what the live terminal showed then, from snapshots', async () => {
    const { captures } = await recordTerminals(5, 100, 40);
    const s = service();
    const info = await s.openReplay(dir);
    const index = s.indexOf(info.replayId);
    expect(index.snapshots.length).toBeGreaterThan(20);
    expect(index.serializations.inexact).toBe(0);
    let rebuiltCompared = 0;
    for (const c of [...captures].sort(() => prng(9)() - 0.5)) {
      const got = await replayed(s, info.replayId, c.t);
      expect(got.serialized, `t=${c.t}`).toEqual(c.serialized);
      for (const [id, screen] of Object.entries(got.rebuilt)) {
        expect(screen, `${id} at t=${c.t}`).toEqual(c.screens[id]);
        rebuiltCompared++;
      }
    }
    expect(rebuiltCompared).toBeGreaterThan(20);
  });

  it('gives the same frame from a snapshot as from the start of the log', async () => {
    const { endT } = await recordTerminals(8, 60, 0);
    const withSnaps = service();
    const fromStart = service(NO_SNAPSHOTS);
    const a = await withSnaps.openReplay(dir);
    const b = await fromStart.openReplay(dir);
    expect(fromStart.indexOf(b.replayId).snapshots.length).toBeLessThanOrEqual(2);
    const random = prng(4);
    for (let i = 0; i < 30; i++) {
      const t = Math.floor(random() * endT);
      const [fa, fb] = await Promise.all([withSnaps.frame(a.replayId, t), fromStart.frame(b.replayId, t)]);
      expect(fa, `t=${t}`).toEqual(fb);
    }
  });
});
