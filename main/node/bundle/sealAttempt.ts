import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_FORMAT, BUNDLE_NAMESPACE, BundleEntry, type Manifest } from '../../common/bundle/manifest';
import { parseScoreLog, summarizeScoreLog } from '../../common/bundle/scoreLog';
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { AttemptFileSchema, type AttemptFile } from '../attempts/attemptState';
import { manifestAgent } from '../attempts/agentFacts';
import type { LoadedEnv } from '../contracts';
import { fingerprint, toOpenSsh } from '../keys/openssh';
import { exportCasts } from '../recorder/castExport';
import { signSshsig } from '../ssh/sshsig';
import { readAttemptTicket } from '../tickets/ticketForStart';
import { DEFAULT_SUBMISSION, planSubmission } from './submission';
import { hashFile, TarFileWriter } from './tar/TarFileWriter';
import { fileHeader, fileHeaderLength, padding } from './tar/tarHeader';
import { summarizeTrajectory, trajectoryFiles } from './trajectory';

export interface SealOptions {
  /** The expert's key: signs the manifest; the trajectory's checkpoints must be signed by it too. */
  expertKey: { privateKey: KeyObject };
  /** The environment the attempt ran: its submission rules (include, exclude, maxFileBytes). */
  env?: LoadedEnv;
  appVersion: string;
  /** Where the bundle goes; `<attemptDir>/<attempt id>.redesk` by default. */
  outFile?: string;
  /** Set for an attempt made by an AI agent. */
  agent?: { name: string; version?: string };
  now?: () => Date;
  /** Where the terminal casts are made before they are copied in; the OS temp folder by default. */
  tmpDir?: string;
  logger?: Logger;
}

export interface SealResult {
  file: string;
  manifest: Manifest;
  /** Size of the bundle in bytes. */
  bytes: number;
  /** Things the organizer should know that did not stop the seal (no trajectory, casts not made…). */
  warnings: string[];
}

/** States an attempt can be sealed in: its work is over. */
const SEALABLE = new Set(['submitted', 'expired', 'scored', 'sealed']);
const PLACEHOLDER_HASH = '0'.repeat(64);

type Source = { name: string; path: string; size: number } | { name: string; data: Buffer };

/**
 * Seals an attempt folder into `<attempt>.redesk`: a tar whose first entry is manifest.json and second its SSHSIG
 * (namespace "redesk-bundle", expert key), then ticket, score log, trajectory, casts and submission.
 *
 * One pass over the data: everything but the hashes is known before any file is read, and a hash is always 64
 * hex digits, so the manifest's exact length is known up front. The entries are written after a gap of exactly
 * the manifest's and signature's size, hashing as they stream; then the finished manifest and its signature fill
 * the gap. A file whose size or mtime changes meanwhile fails with BUNDLE_SOURCE_CHANGED. The bundle is written
 * to a temporary file and renamed into place, so a failure leaves no partial bundle.
 */
export async function sealAttempt(attemptDir: string, o: SealOptions): Promise<SealResult> {
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    o.logger?.warn(`seal: ${m}`);
  };
  const state = await readState(attemptDir);
  if (!SEALABLE.has(state.state)) {
    throw new RedeskError('ATTEMPT_BAD_STATE', `Attempt ${state.id} is ${state.state}; only a submitted attempt can be sealed.`, {
      hint: `Submit it first: \`redesk attempt submit ${state.id}\`.`,
    });
  }
  const publicKey = createPublicKey(o.expertKey.privateKey);
  const sealedAt = (o.now?.() ?? new Date()).toISOString();
  const mtime = Math.floor(Date.parse(sealedAt) / 1000);
  const outFile = o.outFile ?? join(attemptDir, `${state.id}.redesk`);

  const ticket = await readAttemptTicket(attemptDir);
  const scoresPath = join(attemptDir, 'scores.jsonl');
  const scoresText = await readFile(scoresPath, 'utf8').catch(() => '');
  const trajectory = await summarizeTrajectory(attemptDir, publicKey);
  if (!trajectory) warn('the attempt has no trajectory (events/): the bundle carries none');
  else if (!trajectory.ok) warn(`the trajectory does not verify (${trajectory.problem?.code}: ${trajectory.problem?.message}); sealed as it is, and verification will say so`);
  if (o.env && o.env.envHash !== state.envHash) warn(`the environment in this install (hash ${o.env.envHash.slice(0, 12)}…) differs from the one the attempt ran (${state.envHash.slice(0, 12)}…); its submission rules are used`);
  const submissionSpec = o.env?.spec.submission ?? DEFAULT_SUBMISSION;
  if (!o.env) warn('the environment was not given: the submission is the whole workspace (env.json defaults)');

  const tmp = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'redesk-seal-'));
  const tmpOut = join(dirname(outFile), `.${basename(outFile)}.${randomBytes(4).toString('hex')}.tmp`);
  let writer: TarFileWriter | undefined;
  try {
    const sources: Source[] = [];
    if (ticket) sources.push({ name: BundleEntry.ticket, data: ticket.bytes }, { name: BundleEntry.ticketSig, data: Buffer.from(ticket.sig, 'utf8') });
    sources.push({ name: BundleEntry.scores, data: Buffer.from(scoresText, 'utf8') });
    sources.push(...(await trajectoryFiles(attemptDir)));
    if (trajectory) sources.push(...(await castSources(attemptDir, join(tmp, 'casts'), warn)));
    const plan = await planSubmission(join(attemptDir, 'workspace'), submissionSpec);
    for (const f of plan.files) sources.push({ name: `${BundleEntry.submissionDir}${f.rel}`, path: f.abs, size: f.size });
    for (const s of plan.skipped) warn(`submission: ${s.path} left out: ${s.reason}`);

    const sizeOf = (s: Source) => ('data' in s ? s.data.length : s.size);
    const points = parseScoreLog(scoresText);
    // An agent attempt's facts (name, model, summed usage) come from state.json unless the caller names one.
    const agent = o.agent ?? manifestAgent(state.agent);
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      sealedAt,
      app: { name: 'redesk', version: o.appVersion },
      attempt: attemptFacts(state),
      env: { id: state.envId, version: state.envVersion, title: state.envTitle, hash: state.envHash, scorerHash: state.scorerHash },
      expert: { publicKey: toOpenSsh(publicKey), fingerprint: fingerprint(publicKey) },
      ...(agent ? { agent } : {}),
      ticket: ticket ? { id: ticket.ticket.id, sha256: sha256(ticket.bytes), organizerFingerprint: ticket.ticket.organizer.fingerprint } : null,
      score: {
        direction: state.score.direction,
        aggregate: state.score.aggregate,
        baselineKind: state.score.baseline,
        visibleToExpert: state.score.visibleToExpert,
        baseline: state.baseline ?? null,
        final: state.finalScore,
        normalized: state.normalizedScore,
        log: summarizeScoreLog(points, state.score.direction),
      },
      trajectory,
      submission: {
        include: submissionSpec.include,
        exclude: submissionSpec.exclude,
        maxFileBytes: submissionSpec.maxFileBytes,
        files: plan.files.length,
        bytes: plan.files.reduce((n, f) => n + f.size, 0),
        omitted: plan.omitted.map((f) => ({ path: f.rel, sha256: PLACEHOLDER_HASH, size: f.size })),
        skipped: plan.skipped,
      },
      files: sources.map((s) => ({ path: s.name, sha256: PLACEHOLDER_HASH, size: sizeOf(s) })),
    };
    // A ticket is what makes an attempt official; the manifest says so whatever state.json says.
    manifest.attempt.practice = !ticket;
    if (state.practice === !!ticket) warn(`state.json says practice: ${state.practice}, but the attempt ${ticket ? 'has' : 'has no'} ticket; the manifest follows the ticket`);

    // The front: manifest and signature, their exact lengths known now (see above).
    const draft = manifestBytes(manifest);
    const sigLength = Buffer.byteLength(signSshsig(draft, o.expertKey.privateKey, BUNDLE_NAMESPACE));
    const front = entryLength(BundleEntry.manifest, draft.length) + entryLength(BundleEntry.manifestSig, sigLength);

    await mkdir(dirname(outFile), { recursive: true });
    writer = await TarFileWriter.create(tmpOut, front, { syncEarly: true });
    for (const [i, s] of sources.entries()) {
      manifest.files[i]!.sha256 = 'data' in s ? await writer.addBytes(s.name, s.data, mtime) : await writer.addFile(s.name, s.path, s.size, mtime);
    }
    for (const [i, f] of plan.omitted.entries()) manifest.submission.omitted[i]!.sha256 = await hashFile(f.abs, f.size, `submission/${f.rel}`);
    const bytes = await writer.end();

    const final = manifestBytes(manifest);
    const sig = Buffer.from(signSshsig(final, o.expertKey.privateKey, BUNDLE_NAMESPACE), 'utf8');
    if (final.length !== draft.length || sig.length !== sigLength) throw new RedeskError('INTERNAL', 'The manifest changed length between planning and sealing.');
    const head = Buffer.concat([entry(BundleEntry.manifest, final, mtime), entry(BundleEntry.manifestSig, sig, mtime)]);
    if (head.length !== front) throw new RedeskError('INTERNAL', 'The bundle front does not fit the room left for it.');
    await writer.writeAt(head, 0);
    await writer.close({ sync: true });
    writer = undefined;
    await rename(tmpOut, outFile);
    return { file: outFile, manifest, bytes, warnings };
  } catch (e) {
    await writer?.close({ sync: false }).catch(() => undefined);
    await unlink(tmpOut).catch(() => undefined);
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readState(attemptDir: string): Promise<AttemptFile> {
  let raw: unknown;
  const path = join(attemptDir, 'state.json');
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw new RedeskError(missing ? 'ATTEMPT_NOT_FOUND' : 'ATTEMPT_STATE_CORRUPT', `${path}: ${missing ? 'no such attempt' : (e as Error).message}`, { where: path });
  }
  const r = AttemptFileSchema.safeParse(raw);
  if (!r.success) throw new RedeskError('ATTEMPT_STATE_CORRUPT', `${path} is damaged: ${r.error.issues[0]?.message}`, { where: path });
  return r.data;
}

function attemptFacts(s: AttemptFile): Manifest['attempt'] {
  const machine = (s.preflight as { machine?: unknown } | undefined)?.machine;
  return {
    id: s.id,
    state: s.state,
    practice: s.practice,
    variant: s.variant,
    createdAt: s.createdAt,
    ...(s.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s.submittedAt ? { submittedAt: s.submittedAt } : {}),
    ...(s.scoredAt ? { scoredAt: s.scoredAt } : {}),
    timeLimitMs: s.timeLimitMs,
    elapsedMs: s.clock.accumulatedMs,
    ...(s.expiredLateByMs !== undefined ? { expiredLateByMs: s.expiredLateByMs } : {}),
    pausePolicy: s.pausePolicy,
    pauses: s.pauses,
    recoveries: s.recoveries,
    ...(machine && typeof machine === 'object' ? { machine: machine as Record<string, unknown> } : {}),
  };
}

/** Terminal sessions as asciicast v2, made from the trajectory into a temporary folder. */
async function castSources(attemptDir: string, outDir: string, warn: (m: string) => void): Promise<Source[]> {
  try {
    await exportCasts(attemptDir, outDir);
  } catch (e) {
    warn(`the terminal casts could not be made (${(e as Error).message}); the bundle has none`);
    return [];
  }
  const names = (await readdir(outDir).catch(() => [] as string[])).filter((n) => n.endsWith('.cast')).sort();
  const out: Source[] = [];
  for (const n of names) out.push({ name: `${BundleEntry.castsDir}${n}`, path: join(outDir, n), size: (await lstat(join(outDir, n))).size });
  return out;
}

function manifestBytes(m: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');
}

function entry(name: string, data: Buffer, mtime: number): Buffer {
  return Buffer.concat([fileHeader(name, data.length, mtime), data, Buffer.alloc(padding(data.length))]);
}

function entryLength(name: string, size: number): number {
  return fileHeaderLength(name, size) + size + padding(size);
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
