import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreRow } from '../../common/attempt';
import { EnvSchema } from '../../common/envSchema';
import type { AttemptFile } from '../attempts/attemptState';
import type { LoadedEnv } from '../contracts';
import { allowedSignersLine } from '../ssh/allowedSigners';
import { EventLog } from '../recorder/EventLog';
import { manualClock } from '../recorder/testKit';
import { silentLogger } from '../systemClock';
import { issueTicket, type SignedTicket } from '../tickets/issueTicket';
import { installTicket } from '../tickets/ticketForStart';

/** Shared by the bundle and report tests: keys, a sealed-ready attempt folder, an env to go with it. */

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const ENV_HASH = 'e'.repeat(64);
export const SCORER_HASH = 'f'.repeat(64);
export const STARTED = '2026-12-01T10:00:00.000Z';

export function keyPair(): KeyPair {
  return generateKeyPairSync('ed25519');
}

export async function tempRoot(prefix = 'redesk-bundle-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function testEnv(over: { include?: string[]; exclude?: string[]; maxFileBytes?: number } = {}): LoadedEnv {
  const spec = EnvSchema.parse({
    id: 'toy_env',
    version: '1.0.0',
    title: 'Toy',
    instructions: 'instructions.md',
    timeLimitMinutes: 60,
    pause: { allowed: true },
    starter: 'starter',
    scorer: { argv: ['{python}', 'score.py', '{workspace}'] },
    score: { direction: 'min', aggregate: 'best', start: 10, reference: 2 },
    submission: { include: over.include ?? ['**/*'], exclude: over.exclude ?? ['__pycache__/**'], ...(over.maxFileBytes ? { maxFileBytes: over.maxFileBytes } : {}) },
  });
  return { spec, variant: 'default', dir: '/nonexistent', envHash: ENV_HASH, scorerHash: SCORER_HASH, instructionsMarkdown: '' };
}

export function ticketFor(organizer: KeyPair, expert: KeyPair, over: Partial<Parameters<typeof issueTicket>[0]> = {}): SignedTicket {
  return issueTicket({
    organizerKey: organizer.privateKey,
    env: { id: 'toy_env', version: '1.0.0', hash: ENV_HASH },
    expertKey: expert.publicKey,
    notBefore: new Date('2026-12-01T00:00:00Z'),
    notAfter: new Date('2026-12-02T00:00:00Z'),
    timeLimitMinutes: 60,
    ...over,
  });
}

export function scoreRows(values: (number | null)[], every = 600_000): ScoreRow[] {
  return values.map((score, i) => ({
    n: i + 1,
    score,
    normalized: score === null ? null : Math.max(0, (score - 10) / (2 - 10)),
    message: score === null ? 'failed' : 'ok',
    details: {},
    elapsedMs: (i + 1) * every,
    wall: new Date(Date.parse(STARTED) + (i + 1) * every).toISOString(),
    durationMs: 1000,
  }));
}

export interface AttemptOptions {
  id?: string;
  expert: KeyPair;
  ticket?: SignedTicket;
  /** Write a trajectory signed by the expert key (default true). */
  events?: boolean;
  scores?: (number | null)[];
  files?: Record<string, string | Buffer>;
  state?: Partial<AttemptFile>;
}

/** An attempt folder as AttemptService leaves it after submit and scoring. */
export async function makeAttempt(root: string, o: AttemptOptions): Promise<string> {
  const id = o.id ?? 'toy_env-20261201T100000-abcd';
  const dir = join(root, 'attempts', id);
  await mkdir(join(dir, 'workspace'), { recursive: true });
  const rows = scoreRows(o.scores ?? [8, null, 5, 6]);
  const valid = rows.filter((r) => r.score !== null).map((r) => r.score!);
  const final = valid.length ? Math.min(...valid) : null;
  const state: AttemptFile = {
    version: 1,
    id,
    envId: 'toy_env',
    envVersion: '1.0.0',
    envTitle: 'Toy',
    variant: 'default',
    practice: !o.ticket,
    state: 'scored',
    createdAt: STARTED,
    startedAt: STARTED,
    submittedAt: '2026-12-01T10:50:00.000Z',
    scoredAt: '2026-12-01T10:51:00.000Z',
    timeLimitMs: 3_600_000,
    pausePolicy: { allowed: true },
    score: { direction: 'min', aggregate: 'best', baseline: 'fixed', visibleToExpert: true },
    baseline: { start: 10, reference: 2, source: 'fixed' },
    envHash: ENV_HASH,
    scorerHash: SCORER_HASH,
    clock: { accumulatedMs: 3_000_000, pauseUsedMs: 0, running: false, paused: false, anchorMonoMs: 0, bootId: 'b', mode: 'free', heartbeatWallMs: 0 },
    pauses: [],
    warningsSent: [],
    recoveries: [],
    finalScore: final,
    normalizedScore: final === null ? null : (final - 10) / (2 - 10),
    ...o.state,
  };
  await writeFile(join(dir, 'state.json'), JSON.stringify(state, null, 2));
  await writeFile(join(dir, 'scores.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  for (const [rel, content] of Object.entries(o.files ?? { 'solution.py': 'print("hi")\n', 'notes.md': '# notes\n', '__pycache__/x.pyc': 'junk' })) {
    await mkdir(join(dir, 'workspace', rel, '..'), { recursive: true });
    await writeFile(join(dir, 'workspace', rel), content);
  }
  if (o.ticket) await installTicket(dir, { bytes: Buffer.from(o.ticket.json), sig: o.ticket.sig });
  if (o.events !== false) await writeTrajectory(dir, id, o.expert);
  return dir;
}

async function writeTrajectory(dir: string, id: string, key: KeyPair): Promise<void> {
  const log = await EventLog.open({ attemptDir: dir, attemptId: id, key, clock: manualClock(Date.parse(STARTED)), logger: silentLogger, tuning: { commitIntervalMs: 60_000, checkpointIntervalMs: 60_000 } });
  log.append('app', 'app.start', {}, 0);
  log.append('pty', 'pty.open', { ptyId: 't1', cols: 80, rows: 24 }, 10);
  log.append('pty', 'pty.input', { ptyId: 't1', data: 'ls\r' }, 20);
  log.append('pty', 'pty.output', { ptyId: 't1', data: 'solution.py\r\n$ ' }, 30);
  await log.flush();
  log.append('app', 'app.submit', {}, 3_000_000);
  await log.flush();
  await log.close();
}

export async function writeAllowedSigners(path: string, entries: [string, KeyObject][]): Promise<void> {
  await writeFile(path, entries.map(([p, k]) => allowedSignersLine(p, k)).join('\n') + '\n');
}
