import { hash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRedeskError } from '../../common/errors';
import { silentLogger } from '../systemClock';
import { openTestLog, tempDir, testKey } from '../recorder/testKit';
import { AnsiStripper } from './AnsiStripper';
import { replayApi } from './replayApi';
import { ReplayService } from './ReplayService';

let root: string;
let dir: string;
let cleanup: () => Promise<void>;
const ATTEMPT = 'prefix_sum_mini-20261130T010203-a1b2';

beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('redesk-replay-'));
  dir = join(root, 'attempts', ATTEMPT);
  await mkdir(dir, { recursive: true });
});
afterEach(() => cleanup());

function service(maxOpen?: number): ReplayService {
  return new ReplayService({ attemptDir: (id) => join(root, 'attempts', id), dataDir: root, logger: silentLogger, maxOpen });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isRedeskError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a RedeskError');
}

/** A short attempt with one of everything the timeline shows. */
async function writeAttempt(): Promise<void> {
  await writeFile(join(dir, 'state.json'), JSON.stringify({ envId: 'prefix_sum_mini', baseline: { start: 2, reference: 1 } }));
  const log = await openTestLog(dir, testKey());
  log.append('app', 'app.start', {}, 0);
  log.append('pty', 'pty.open', { ptyId: 'p1', cols: 80, rows: 24 }, 100);
  let t = 1_000;
  for (const ch of 'echo needle') log.append('pty', 'pty.input', { ptyId: 'p1', data: ch }, (t += 200));
  log.append('pty', 'pty.input', { ptyId: 'p1', data: '\r' }, (t += 200));
  // The word arrives cut across three batches, with a colour sequence cut in two as well.
  log.append('pty', 'pty.output', { ptyId: 'p1', data: '\x1b[3' }, (t += 10));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: '1mnee' }, (t += 10));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: 'd\x1b[0m' }, (t += 10));
  log.append('pty', 'pty.output', { ptyId: 'p1', data: 'le\r\n$ ' }, t + 10);
  log.append('scorer', 'scorer.request', { id: 's1' }, 10_000);
  log.append('scorer', 'scorer.result', { id: 's1', score: 1.5, message: 'ok', elapsedMs: 400 }, 10_400);
  log.append('app', 'app.blur', {}, 20_000);
  log.append('app', 'app.focus', {}, 23_000);
  log.append('editor', 'editor.open', { path: 'solution.py', content: 'x = 1\n' } as never, 24_000);
  const change = (offset: number, text: string, t: number) =>
    log.append('editor', 'editor.change', { path: 'solution.py', versionId: 2, changes: [{ rangeOffset: offset, rangeLength: 0, text, range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 } }], isUndo: false, isRedo: false }, t);
  change(6, 'hay', 25_000);
  change(9, 'stack', 25_200);
  log.append('app', 'app.paste', { target: 'editor', length: 5, sha256: hash('sha256', 'hello', 'hex'), content: 'hello' }, 26_000);
  log.append('app', 'app.idle', { fromT: 26_000, toT: 86_000 }, 86_000);
  log.append('app', 'app.pause', { reason: 'lunch' }, 90_000);
  log.append('app', 'app.resume', {}, 90_000);
  log.append('app', 'app.note', { text: 'tried cumsum' }, 91_000);
  log.append('agent', 'agent.call', { callId: 'c1', tool: 'bash', args: { command: 'python bench.py' } }, 92_000);
  log.append('scorer', 'scorer.result', { id: 's2', score: null, message: 'timeout', elapsedMs: 300_000 }, 95_000);
  log.append('app', 'app.submit', {}, 99_000);
  await log.close();
}

describe('ReplayService', () => {
  it('opens an attempt by id or folder and lays out its timeline', async () => {
    await writeAttempt();
    const s = service();
    const info = await s.openReplay(ATTEMPT);
    expect(info).toMatchObject({ attemptId: 'att-test', envId: 'prefix_sum_mini', durationMs: 99_000, terminals: [{ ptyId: 'p1', cols: 80, rows: 24, firstT: 100 }], files: ['solution.py'] });
    expect(info.verify.ok).toBe(true);
    expect(info.verify.message).toMatch(/^ok: \d+ records/);
    expect(info.scores).toEqual([
      { t: 10_400, score: 1.5, normalized: 0.5 },
      { t: 95_000, score: null, normalized: null },
    ]);
    expect(info.markers.map((m) => [m.kind, m.t, m.endT])).toEqual([
      ['start', 0, undefined],
      ['score', 10_400, undefined],
      ['focus-lost', 20_000, 23_000],
      ['paste', 26_000, undefined],
      ['idle', 26_000, 86_000],
      ['pause', 90_000, 90_000],
      ['note', 91_000, undefined],
      ['agent', 92_000, undefined],
      ['score-failed', 95_000, undefined],
      ['submit', 99_000, undefined],
    ]);
    expect(info.markers.find((m) => m.kind === 'score')!.label).toBe('score 1.5000 (normalized 0.500)');
    expect(info.markers.find((m) => m.kind === 'focus-lost')!.label).toBe('window lost focus for 3.0s');
    expect(info.markers.find((m) => m.kind === 'note')!.label).toBe('note: tried cumsum');
    expect(info.markers.find((m) => m.kind === 'agent')!.label).toBe('agent bash: python bench.py');

    const byPath = await s.openReplay(dir);
    expect(byPath.records).toBe(info.records);
    expect((await service().openReplay(join('attempts', ATTEMPT))).records).toBe(info.records);
  });

  it('finds text across output batches, in typed input and in editor typing; jumps land on the last piece', async () => {
    await writeAttempt();
    const s = service();
    const { replayId } = await s.openReplay(ATTEMPT);
    const hits = await s.search(replayId, 'NEEDLE');
    expect(hits.map((h) => [h.where, h.ptyId])).toEqual([
      ['terminal-input', 'p1'],
      ['terminal-output', 'p1'],
    ]);
    const out = hits[1]!;
    expect(out.excerpt).toContain('needle');
    expect(out.excerpt).not.toContain('\x1b');
    // The record holding "le": seeking there shows the whole word.
    const frame = await s.frame(replayId, out.t);
    expect(new AnsiStripper().push(frame.terminals[0]!.serialized)).toContain('needle');
    expect(await s.search(replayId, 'haystack')).toMatchObject([{ where: 'editor', path: 'solution.py', t: 25_200 }]);
    expect((await s.search(replayId, 'ne+dle$', { regex: true })).map((h) => h.where)).toEqual(['terminal-input', 'terminal-output']);
    expect(await s.search(replayId, 'needle', { limit: 1 })).toHaveLength(1);
    expect(await code(s.search(replayId, '(', { regex: true }))).toBe('BAD_REQUEST');
    expect(await code(s.search(replayId, ''))).toBe('BAD_REQUEST');
  });

  it('returns the keys typed in the last seconds, and the files and active file at t', async () => {
    await writeAttempt();
    const s = service();
    const { replayId } = await s.openReplay(ATTEMPT);
    const during = await s.frame(replayId, 2_400);
    expect(during.recentKeys.map((k) => k.text).join('')).toBe('echo ne');
    expect((await s.frame(replayId, 5_000)).recentKeys.map((k) => k.text).join('')).toBe('needle\r');
    const later = await s.frame(replayId, 25_300);
    expect(later.recentKeys).toEqual([
      { t: 25_000, text: 'hay' },
      { t: 25_200, text: 'stack' },
    ]);
    expect(later.files).toEqual([{ path: 'solution.py', content: 'x = 1\nhaystack', sha256: hash('sha256', 'x = 1\nhaystack', 'hex') }]);
    expect(later.activeFile).toBe('solution.py');
    expect((await s.frame(replayId, 0)).terminals).toEqual([]);
  });

  it('gives ranges of records for playing, never splitting records that share a t', async () => {
    await writeAttempt();
    const s = service();
    const { replayId } = await s.openReplay(ATTEMPT);
    const all = await s.range(replayId, 0, Infinity);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i));
    const window = await s.range(replayId, 10_000, 26_000);
    expect(window.map((r) => r.kind)).toEqual(['scorer.request', 'scorer.result', 'app.blur', 'app.focus', 'editor.open', 'editor.change', 'editor.change']);
    // Pause and resume share t=90000: a limit of 1 still returns both, so the next page can start after that t.
    const paged = await s.range(replayId, 90_000, Infinity, 1);
    expect(paged.map((r) => r.kind)).toEqual(['app.pause', 'app.resume']);
    expect(await code(s.range(replayId, 0, 1, 0))).toBe('BAD_REQUEST');
  });

  it('replays a log that fails verification, and says why', async () => {
    await writeAttempt();
    const seg = join(dir, 'events', 'events-000001.jsonl');
    const text = await readFile(seg, 'utf8');
    await writeFile(seg, text.replace('tried cumsum', 'tried CUMSUM'));
    const info = await service().openReplay(ATTEMPT);
    expect(info.verify.ok).toBe(false);
    expect(info.verify.message).toMatch(/LOG_CHAIN_BROKEN/);
    expect(info.markers.find((m) => m.kind === 'note')!.label).toBe('note: tried CUMSUM');
  });

  it('refuses what it cannot open, and forgets closed and evicted replays', async () => {
    await writeAttempt();
    const s = service(2);
    expect(await code(s.openReplay('nope_env-20261130T010203-ffff'))).toBe('ATTEMPT_NOT_FOUND');
    expect(await code(s.openReplay(join(root, 'missing')))).toBe('ATTEMPT_NOT_FOUND');
    expect(await code(s.openReplay(root))).toBe('LOG_CORRUPT');
    expect(await code(s.openReplay('x.redesk'))).toBe('FILE_NOT_FOUND');
    const api = replayApi(s);
    const a = await api.replayOpen(ATTEMPT);
    await api.replayClose(a.replayId);
    expect(await code(api.replayFrame(a.replayId, 0))).toBe('BAD_REQUEST');
    const b = await api.replayOpen(ATTEMPT);
    const c = await api.replayOpen(ATTEMPT);
    await api.replayFrame(b.replayId, 0); // b is now more recently used than c
    await api.replayOpen(ATTEMPT);
    expect(s.openCount).toBe(2);
    expect(await code(api.replayFrame(c.replayId, 0))).toBe('BAD_REQUEST');
    expect((await api.replayFrame(b.replayId, 5_000)).t).toBe(5_000);
  });
});
