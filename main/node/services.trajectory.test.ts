/**
 * The trajectory end to end through createServices, with the real pty host: what an expert does in a resident
 * host (browser mode) ends up in a log that verifies, in order, byte-exact for the terminal, without the secrets.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../common/attempt';
import type { EventRecord } from '../common/events/record';
import type { Sampler } from './os/Sampler';
import { buildTestHost, waitUntil } from './pty/testKit';
import { exportCasts } from './recorder/castExport';
import { LogReader } from './recorder/LogReader';
import { verifyLog } from './recorder/verifyLog';
import { createServices, type Services } from './services';
import { silentLogger } from './systemClock';

const SECRET = 'sk-test-9f8e7d6c5b4a3210';

let host: { entry: string; cleanup: () => void };
let root: string;
beforeAll(async () => {
  host = await buildTestHost();
  root = await mkdtemp(join(tmpdir(), 'redesk-svc-traj-'));
  const env = join(root, 'envs', 'tiny_env');
  await mkdir(join(env, 'starter'), { recursive: true });
  await writeFile(join(env, 'starter', 'answer.txt'), '8\n');
  await writeFile(join(env, 'README.md'), '# Tiny\n');
  await writeFile(join(env, 'score.sh'), '#!/bin/sh\necho "{\\"score\\": $(cat "$1/answer.txt"), \\"message\\": \\"ok\\", \\"details\\": {}}"\n');
  await writeFile(
    join(env, 'env.json'),
    JSON.stringify({
      id: 'tiny_env',
      version: '1.0.0',
      title: 'Tiny',
      instructions: 'README.md',
      timeLimitMinutes: 60,
      pause: { allowed: true },
      starter: 'starter',
      scorer: { argv: ['sh', 'score.sh', '{workspace}'], timeoutSeconds: 20, files: ['score.sh'] },
      score: { direction: 'min', aggregate: 'best', start: 10, reference: 2 },
      secrets: [{ name: 'TINY_API_KEY', description: 'handed to the terminal' }],
    }),
  );
}, 60_000);
afterAll(async () => {
  host?.cleanup();
  await rm(root, { recursive: true, force: true });
});

/** Stands in for the OS samplers: says when it runs, and records one os.net sample each time it starts. */
class FakeSampler implements Sampler {
  running = false;
  constructor(private readonly record: (kind: string, data: Record<string, unknown>) => void) {}
  start(): void {
    this.running = true;
    this.record('os.net', { name: 'fake0', up: true, online: true });
  }
  stop(): void {
    this.running = false;
  }
}

async function records(dir: string): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for await (const r of new LogReader(dir).records()) out.push(r);
  return out;
}

describe('services: the trajectory of an attempt', () => {
  let s: Services;
  let dataDir: string;
  const samplers: FakeSampler[] = [];
  const output = new Map<string, string>();
  let exited: string | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'redesk-svc-data-'));
    s = await createServices({
      dataDir,
      mode: 'browser',
      logger: silentLogger,
      paths: { envDirs: [join(root, 'envs')], ptyHostEntry: host.entry },
      hostEnv: { TINY_API_KEY: SECRET },
      samplers: (_id, record) => {
        const f = new FakeSampler(record);
        samplers.push(f);
        return [f];
      },
    });
    s.events.on((name, payload) => {
      if (name === 'pty.data') {
        const p = payload as { ptyId: string; data: string };
        output.set(p.ptyId, (output.get(p.ptyId) ?? '') + p.data);
        void s.api.ptyAck(p.ptyId, p.data.length);
      }
      if (name === 'pty.exit') exited = (payload as { ptyId: string }).ptyId;
    });
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('says before the start what is recorded, what is not, and which secrets are kept out', async () => {
    const p = await s.api.recordingPolicy('tiny_env');
    expect(p.secrets).toEqual(['TINY_API_KEY']);
    const what = p.recorded.map((r) => r.what);
    for (const w of ['Terminal input', 'Terminal output', 'Editor edits', 'Files changed outside the editor', 'Pastes', 'Network up/down', 'GPU samples', 'Scores', 'Pauses', 'Notes', 'Submit']) {
      expect(what).toContain(w);
    }
    expect(p.notRecorded.join(' ')).toMatch(/screen[\s\S]*camera[\s\S]*microphone[\s\S]*outside the app/i);
    await expect(s.api.recordingPolicy('no_such_env')).rejects.toMatchObject({ code: 'ENV_NOT_FOUND' });
  });

  it('records terminal bytes exactly, file changes, samples, scores and submit, in a log that verifies', async () => {
    const { api } = s;
    const a: AttemptInfo = await api.attemptStart('tiny_env');
    expect(samplers).toHaveLength(1);
    expect(samplers[0]!.running).toBe(true);
    await s.activity!.ready(a.id);

    const { ptyId } = await api.ptyCreate(a.id, { cols: 100, rows: 30 });
    const seen = () => output.get(ptyId) ?? '';
    const typed = ['echo hello-$((6*7))\r', 'echo "k=$TINY_API_KEY"; printf hi > made.txt\r'];
    await api.ptyInput(ptyId, typed[0]!);
    await waitUntil(() => (seen().includes('hello-42') ? true : undefined), () => `hello-42 in ${JSON.stringify(seen())}`);
    await api.ptyInput(ptyId, typed[1]!);
    // The terminal itself shows the secret (the env hands it out); only the record must not hold it.
    await waitUntil(() => (seen().includes(`k=${SECRET}`) ? true : undefined), () => `the secret in ${JSON.stringify(seen())}`);
    await api.ptyResize(ptyId, 120, 40);

    const fsRecord = await waitFor(async () => (await api.logTail(a.id, { limit: 2000 })).find((r) => r.kind === 'fs.change' && r.data.path === 'made.txt'));
    expect(fsRecord.data).toMatchObject({ kind: 'add', size: 2, sha256: createHash('sha256').update('hi').digest('hex') });

    await api.attemptPause(a.id, 'stretch');
    expect(samplers[0]!.running).toBe(false);
    await api.attemptResume(a.id);
    expect(samplers[0]!.running).toBe(true);

    const row = await api.attemptScore(a.id);
    expect(row.score).toBe(8);
    const status = await api.logStatus(a.id);
    expect(status.durableSeq).toBe(status.lastSeq); // flushed before attemptScore returned

    await api.ptyInput(ptyId, 'exit\r');
    await waitUntil(() => (exited === ptyId ? true : undefined), () => 'the shell to exit');
    await api.attemptSubmit(a.id);
    expect(samplers[0]!.running).toBe(false);
    await waitFor(async () => ((await api.attemptStatus(a.id)).state === 'sealed' ? true : undefined));
    const received = seen();
    await s.dispose();

    expect(await verifyLog(a.dir)).toMatchObject({ ok: true, unsealedRecords: 0 });
    const rs = await records(a.dir);
    const k = rs.map((r) => r.kind);
    const order = ['app.start', 'pty.open', 'app.pause', 'app.resume', 'scorer.request', 'scorer.result', 'pty.exit', 'app.submit'];
    const at = order.map((x) => k.indexOf(x));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    for (let i = 1; i < rs.length; i++) expect(rs[i]!.t).toBeGreaterThanOrEqual(rs[i - 1]!.t);
    expect(rs[at[4]!]!.t).toBeGreaterThan(0);

    const ofPty = rs.filter((r) => r.data.ptyId === ptyId);
    expect(ofPty[0]).toMatchObject({ kind: 'pty.open', data: { cols: 100, rows: 30, cwd: a.workspace } });
    expect(ofPty.filter((r) => r.kind === 'pty.input').map((r) => r.data.data)).toEqual([...typed, 'exit\r']);
    expect(ofPty.filter((r) => r.kind === 'pty.resize').map((r) => [r.data.cols, r.data.rows])).toEqual([[120, 40]]);
    expect(ofPty.at(-1)).toMatchObject({ kind: 'pty.exit', data: { exitCode: 0 } });

    // Output: every batch the terminal got, byte for byte, except the secret, which is a salted digest.
    const salt = JSON.parse(await readFile(join(a.dir, 'events', 'meta.json'), 'utf8')).salt as string;
    const marker = `«secret:${createHash('sha256').update(salt + SECRET).digest('hex').slice(0, 12)}»`;
    const recorded = ofPty.filter((r) => r.kind === 'pty.output').map((r) => r.data.data as string).join('');
    expect(recorded).toBe(received.split(SECRET).join(marker));
    expect(recorded).toContain(`k=${marker}`);
    for (const f of await readdir(join(a.dir, 'events'))) expect(await readFile(join(a.dir, 'events', f), 'utf8')).not.toContain(SECRET);

    expect(rs.filter((r) => r.kind === 'os.net')).toHaveLength(2); // started at start and again at resume

    // The asciicast export plays back the same output.
    const out = await mkdtemp(join(tmpdir(), 'redesk-casts-'));
    const casts = await exportCasts(a.dir, out);
    expect(casts.casts).toHaveLength(1);
    const lines = (await readFile(casts.casts[0]!.path, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2, width: 100, height: 30 });
    const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    expect(events.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toBe(recorded);
    expect(events.filter((e) => e[1] === 'i').map((e) => e[2])).toEqual([...typed, 'exit\r']);
    await rm(out, { recursive: true, force: true });
  }, 60_000);
});

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
