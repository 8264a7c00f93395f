import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../common/events/record';
import { PASTE_CONTENT_MAX } from '../../common/events/kinds';
import { loadKey } from '../keys/keyStore';
import { LogReader } from '../recorder/LogReader';
import { simulateCrash } from '../recorder/testKit';
import { verifyLog } from '../recorder/verifyLog';
import type { EventLog } from '../recorder/EventLog';
import { disposeServices, makeEnv, makeService, type ServiceKit } from './testKit';

afterEach(() => disposeServices());

const MIN = 60_000;
const code = (p: Promise<unknown>) => p.then(() => 'no error', (e) => e.code);

async function records(dir: string): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for await (const r of new LogReader(dir).records()) out.push(r);
  return out;
}
const kinds = (rs: EventRecord[]) => rs.map((r) => r.kind);

async function untilScored(k: ServiceKit, id: string): Promise<void> {
  while ((await k.svc.status(id)).state !== 'scored') await new Promise((r) => setTimeout(r, 10));
}

/** The process dies: its log's timers stop and its files close with whatever was not written left unwritten. */
async function kill(k: ServiceKit, id: string): Promise<void> {
  const log = (k.svc.recorder.get(id) as unknown as { o: { log: EventLog } }).o.log;
  await simulateCrash(log);
}

describe('AttemptService: the trajectory', () => {
  it('records start, pause, resume, score and submit in order, durable at each step, and closes a log the expert key verifies', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    // Durable before start() returned: on disk, covered by a signed checkpoint, without waiting for group commit.
    expect(await k.svc.logStatus(a.id)).toMatchObject({ lastSeq: 0, durableSeq: 0, checkpointSeq: 0 });
    const [start] = await records(a.dir);
    expect(start).toMatchObject({
      seq: 0,
      t: 0,
      kind: 'app.start',
      data: { envId: 'tiny_env', envVersion: '1.0.0', envHash: 'env-hash', scorerHash: 'scorer-hash', variant: 'default', appVersion: '9.9.9-test' },
    });

    k.clock.advance(2 * MIN);
    await k.svc.pause(a.id, 'lunch');
    expect((await records(a.dir)).at(-1)).toMatchObject({ kind: 'app.pause', t: 2 * MIN, data: { reason: 'lunch' } });
    k.clock.advance(3 * MIN);
    await k.svc.resume(a.id);
    expect((await records(a.dir)).at(-1)).toMatchObject({ kind: 'app.resume', t: 2 * MIN, data: { endedBy: 'expert', pauseMs: 3 * MIN } });

    k.clock.advance(MIN);
    await writeFile(join(a.workspace, 'answer.txt'), '4\n');
    const row = await k.svc.score(a.id);
    k.clock.advance(MIN);
    await k.svc.submit(a.id);

    const rs = await records(a.dir);
    expect(kinds(rs)).toEqual(['app.start', 'app.pause', 'app.resume', 'scorer.request', 'scorer.result', 'app.submit', 'scorer.request', 'scorer.result']);
    const [req, res] = [rs[3]!, rs[4]!];
    expect(req).toMatchObject({ t: 3 * MIN, data: { n: 1 } });
    expect(res.data).toMatchObject({ id: req.data.id, n: 1, score: 4, normalized: row.normalized, elapsedMs: 3 * MIN, details: { answer: 4 } });
    expect(rs[5]).toMatchObject({ kind: 'app.submit', t: 4 * MIN });
    expect(rs[7]!.data).toMatchObject({ n: 2, score: 4, final: true });
    for (let i = 1; i < rs.length; i++) expect(rs[i]!.t).toBeGreaterThanOrEqual(rs[i - 1]!.t);

    // Scored: the log is closed, complete and signed up to its last record with the expert key made on first run.
    expect(k.svc.recorder.get(a.id)).toBeUndefined();
    const expert = await loadKey(k.dataDir, 'expert');
    const v = await verifyLog(a.dir, { publicKey: expert.publicKey });
    expect(v).toMatchObject({ ok: true, lastSeq: 7, lastCheckpointSeq: 7, unsealedRecords: 0, keySource: 'given' });
  });

  it('records expiry, and a pause that ended because the pause budget ran out', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    k.clock.advance(MIN);
    await k.svc.pause(a.id, 'coffee');
    k.clock.advance(11 * MIN); // the budget is 10 minutes: the clock resumed by itself after 10
    await k.svc.tick();
    k.clock.advance(60 * MIN);
    await k.svc.tick();
    await untilScored(k, a.id); // a resident host scores in the background
    const rs = await records(a.dir);
    expect(kinds(rs)).toEqual(['app.start', 'app.pause', 'app.resume', 'app.expired', 'scorer.request', 'scorer.result']);
    expect(rs[2]!.data).toMatchObject({ endedBy: 'budget', pauseMs: 10 * MIN });
    expect(rs[3]).toMatchObject({ t: 60 * MIN, data: { timeLimitMs: 60 * MIN } });
    expect((await verifyLog(a.dir)).ok).toBe(true);
  });

  it('takes renderer records while running or paused, stamped with attempt time; refuses them after submit', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    k.clock.advance(1234);
    const status = await k.svc.recordEvents(a.id, [
      { src: 'app', kind: 'app.note', data: { text: 'trying a bigger block size' } },
      { src: 'editor', kind: 'editor.save', data: { path: 'solution.py', sha256: 'a'.repeat(64) } },
    ]);
    expect(status).toMatchObject({ attemptId: a.id, lastSeq: 2 });
    const tail = await k.svc.logTail(a.id, { afterSeq: 0 });
    expect(tail.map((r) => [r.kind, r.t])).toEqual([
      ['app.note', 1234],
      ['editor.save', 1234],
    ]);

    await k.svc.pause(a.id, 'break');
    await k.svc.recordEvents(a.id, [{ src: 'app', kind: 'app.blur', data: {} }]);
    await k.svc.resume(a.id);
    await k.svc.submit(a.id);
    expect(await code(k.svc.recordEvents(a.id, [{ src: 'app', kind: 'app.focus', data: {} }]))).toBe('ATTEMPT_BAD_STATE');
    expect(kinds(await records(a.dir))).not.toContain('app.focus');
    expect(kinds(await records(a.dir))).toContain('app.blur');
  });

  it('writes nothing of a batch that has a bad event, and refuses kinds only the host writes', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    const good = { src: 'app', kind: 'app.note', data: { text: 'ok' } };
    for (const bad of [
      { src: 'pty', kind: 'pty.input', data: { ptyId: 'p', data: 'rm -rf' } },
      { src: 'app', kind: 'editor.save', data: {} },
      { src: 'app', kind: 'app.submit', data: {} },
      { src: 'editor', kind: 'editor.save', data: { path: 'x' } },
      { src: 'app', kind: 'app.note', data: 'text' },
    ]) {
      expect(await code(k.svc.recordEvents(a.id, [good, bad]))).toBe('BAD_REQUEST');
    }
    expect(await code(k.svc.recordEvents(a.id, [{ ...good, data: { text: 'x'.repeat(1024 * 1024) } }]))).toBe('BAD_REQUEST');
    expect((await k.svc.logStatus(a.id)).lastSeq).toBe(0);
  });

  it('keeps a long paste to 64 KiB of text, marked truncated, with the hash and length of all of it', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    const text = 'é'.repeat(PASTE_CONTENT_MAX + 10);
    await k.svc.recordEvents(a.id, [{ src: 'app', kind: 'app.paste', data: { target: 'editor', content: text } }]);
    const [paste] = await k.svc.logTail(a.id, { afterSeq: 0 });
    expect(paste!.data).toMatchObject({ target: 'editor', length: text.length, truncated: true, sha256: createHash('sha256').update(text).digest('hex') });
    expect((paste!.data.content as string).length).toBe(PASTE_CONTENT_MAX);
  });

  it('serves the newest records for the live panel, and hides scores the environment hides', async () => {
    const env = await makeEnv({ scorer: { argv: ['sh', 'score.sh', '{workspace}'], timeoutSeconds: 10, visibleToExpert: false } });
    const k = await makeService({ env });
    const a = await k.svc.start('tiny_env');
    await k.svc.recordEvents(
      a.id,
      Array.from({ length: 30 }, (_, i) => ({ src: 'app' as const, kind: 'app.note', data: { text: `note ${i}` } })),
    );
    await k.svc.score(a.id);
    const last5 = await k.svc.logTail(a.id, { limit: 5 });
    expect(last5.map((r) => r.seq)).toEqual([28, 29, 30, 31, 32]);
    expect(last5.at(-1)).toMatchObject({ kind: 'scorer.result', data: { score: null, message: 'hidden by the environment' } });
    expect((await k.svc.logTail(a.id, { afterSeq: 30 })).map((r) => r.seq)).toEqual([31, 32]);
    // The disk keeps the real score for the organizer.
    expect((await records(a.dir)).at(-1)!.data.score).toBe(8);
    // Once the attempt is over and its log closed, the tail comes from disk (and scores are visible then).
    await k.svc.submit(a.id);
    const closed = await k.svc.logTail(a.id, { afterSeq: 30, limit: 2 });
    expect(closed.map((r) => r.kind)).toEqual(['scorer.request', 'scorer.result']);
    expect(closed[1]!.data.score).toBe(8);
  });

  it('after a kill, marks the gap from the last sign of life and takes the clock up to the last record', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    k.clock.advance(10_000);
    await k.svc.tick(); // heartbeat: 10 s saved in state.json
    k.clock.advance(400);
    k.svc.record(a.id, 'pty', 'pty.output', { ptyId: 'pty-1', data: 'x' }); // stamped 10.4 s, after the heartbeat
    await k.svc.recorder.get(a.id)!.flush();
    await kill(k, a.id);
    k.clock.advance(3_000); // down for 3 s

    const k2 = await k.restart();
    const info = await k2.svc.status(a.id);
    // The record proves the clock reached 10.4 s: that time is kept, and the 3 s down are not counted.
    expect(info.elapsedMs).toBe(10_400);
    const rs = await records(a.dir);
    expect(rs.at(-1)).toMatchObject({ kind: 'app.recovered', t: 10_400, data: { gapWallMs: 3_000, lastSeq: 1 } });
    expect((await verifyLog(a.dir)).ok).toBe(true);
  });

  it('counts the gap from the last heartbeat when the expert was idle before the kill', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    k.clock.advance(20_000); // no records: the expert reads the instructions
    await k.svc.tick();
    await kill(k, a.id);
    k.clock.advance(5_000);
    const k2 = await k.restart();
    expect((await k2.svc.status(a.id)).elapsedMs).toBe(20_000);
    expect((await records(a.dir)).at(-1)).toMatchObject({ kind: 'app.recovered', t: 20_000, data: { gapWallMs: 5_000 } });
  });

  it('in free mode (one-shot commands) opens the log for a command and closes it at the end', async () => {
    const k = await makeService({ mode: 'free' });
    const a = await k.svc.start('tiny_env');
    await k.svc.dispose();
    expect(k.svc.recorder.get(a.id)).toBeUndefined();
    k.clock.advance(MIN);

    const k2 = await k.restart();
    await k2.svc.status(a.id); // reading changes nothing, so it opens no log
    expect(k2.svc.recorder.get(a.id)).toBeUndefined();
    await k2.svc.score(a.id);
    await k2.svc.dispose();
    const rs = await records(a.dir);
    expect(kinds(rs)).toEqual(['app.start', 'app.recovered', 'scorer.request', 'scorer.result']);
    expect(rs[1]).toMatchObject({ t: MIN, data: { gapWallMs: MIN } });
    expect(await verifyLog(a.dir)).toMatchObject({ ok: true, unsealedRecords: 0 });
  });

  it("keeps the env's secrets out of the log: a salted digest stands in their place", async () => {
    const secret = 'sk-live-0123456789abcdef';
    const env = await makeEnv({ secrets: [{ name: 'TINY_API_KEY' }, { name: 'TINY_UNSET' }] });
    const k = await makeService({ env, hostEnv: { TINY_API_KEY: secret } });
    const a = await k.svc.start('tiny_env');
    expect(k.svc.secretEnv(a.id)).toEqual({ TINY_API_KEY: secret });
    expect((await records(a.dir))[0]!.data.secrets).toEqual([
      { name: 'TINY_API_KEY', present: true },
      { name: 'TINY_UNSET', present: false },
    ]);
    k.svc.record(a.id, 'pty', 'pty.output', { ptyId: 'pty-1', data: `key=${secret}\r\n` });
    await k.svc.recordEvents(a.id, [{ src: 'app', kind: 'app.note', data: { text: `my key is ${secret}` } }]);
    await k.svc.submit(a.id);
    const text = (await readFile(join(a.dir, 'events', 'events-000001.jsonl'), 'utf8')) + (await readFile(join(a.dir, 'state.json'), 'utf8'));
    expect(text).not.toContain(secret);
    const salt = JSON.parse(await readFile(join(a.dir, 'events', 'meta.json'), 'utf8')).salt as string;
    const marker = `«secret:${createHash('sha256').update(salt + secret).digest('hex').slice(0, 12)}»`;
    const rs = await records(a.dir);
    expect(rs.find((r) => r.kind === 'pty.output')!.data.data).toBe(`key=${marker}\r\n`);
    expect(rs.find((r) => r.kind === 'app.note')!.data.text).toBe(`my key is ${marker}`);
  });

  it('a log edited on disk does not stop the attempt: logStatus says why nothing more is recorded', async () => {
    const k = await makeService();
    const a = await k.svc.start('tiny_env');
    await kill(k, a.id);
    const seg = join(a.dir, 'events', 'events-000001.jsonl');
    await writeFile(seg, (await readFile(seg, 'utf8')).replace('"envId":"tiny_env"', '"envId":"tiny_enw"'));
    const k2 = await k.restart();
    expect((await k2.svc.status(a.id)).state).toBe('running');
    await k2.svc.pause(a.id, 'x');
    expect((await k2.svc.logStatus(a.id)).writeError).toMatchObject({ code: 'LOG_CHECKPOINT_INVALID', pendingRecords: 1 });
  });
});
