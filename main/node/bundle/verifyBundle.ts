import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unsafePathReason } from '../../common/bundle/bundlePath';
import { BUNDLE_EXTENSION, BUNDLE_FORMAT, BUNDLE_NAMESPACE, BundleEntry, ManifestSchema, type Manifest } from '../../common/bundle/manifest';
import { parseScoreLog, summarizeScoreLog, type ScorePoint } from '../../common/bundle/scoreLog';
import { formatIssues } from '../../common/envSchema';
import { RedeskError, toErrorData, type ErrorCode } from '../../common/errors';
import { parseOpenSsh } from '../keys/openssh';
import { findSigner, readAllowedSigners, signerName, type AllowedSigner } from '../ssh/allowedSigners';
import { canonicalArmor, sameKey, verifySshsig } from '../ssh/sshsig';
import { MAX_TICKET_BYTES, verifyTicket } from '../tickets/verifyTicket';
import { TarReader, type TarEntry } from './tar/TarReader';
import { EVENTS_ENTRY_RE, joinEvents, summarizeTrajectory, trajectoryDifference } from './trajectory';

/** A manifest lists every file; even a million of them fit in this. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_SIG_BYTES = 16 * 1024;
/** Score logs are kept in memory for the consistency check and the report; real ones are kilobytes. */
const MAX_SCORES_BYTES = 16 * 1024 * 1024;
const READ_CHUNK = 1 << 20;
/** Bundles verified at once when a folder is given: reading overlaps hashing. */
const CONCURRENCY = 4;

export interface VerifyBundleOptions {
  /** OpenSSH allowed_signers: the experts whose bundles are accepted (a path, or parsed lines). */
  allowedSigners?: string | readonly AllowedSigner[];
  /**
   * Accept a manifest signed by any key (the one it names): proves the bundle is intact, not who made it. For
   * re-scoring a bundle at hand; never for accepting results. Required when allowedSigners is not given.
   */
  trustAnySigner?: boolean;
  /** The organizer key tickets must be signed by; without it a ticket is checked only against the key it names. */
  organizerKey?: string | KeyObject;
  /** When allowed_signers validity (valid-after/valid-before) is judged; now by default. */
  now?: Date;
  /** Parent of the private temporary folder the trajectory is checked in; the OS temp folder by default. */
  tmpDir?: string;
  /** Keep the score log's points in the verdict (for the report). */
  collectScores?: boolean;
  /** Write the submission's files under this folder as they pass (for re-scoring); nothing else is written there. */
  extractSubmissionTo?: string;
}

export interface BundleVerdict {
  file: string;
  ok: boolean;
  /** The first failure's stable code; null when the bundle verified. */
  code: ErrorCode | null;
  message: string;
  /** What passed but deserves a look (practice attempt, ticket checked only against its own key, …). */
  warnings: string[];
  /** The allowed_signers principals of the expert who signed, once the signature checked. */
  signer?: string;
  /** The manifest, once its signature checked. */
  manifest?: Manifest;
  /** sha256 of manifest.json's bytes: the bundle's identity (reviews name bundles by it). */
  manifestSha256?: string;
  scores?: ScorePoint[];
}

export interface VerifyReport {
  ok: boolean;
  bundles: BundleVerdict[];
}

/**
 * Verifies one bundle straight from its byte stream, naming the first failure with its code: the tar's form
 * (BUNDLE_MALFORMED, BUNDLE_TRUNCATED, BUNDLE_UNSAFE_PATH, BUNDLE_UNSAFE_ENTRY, BUNDLE_TOO_LARGE), the manifest
 * signature and signer (BUNDLE_SIGNATURE_INVALID, BUNDLE_SIGNER_UNKNOWN), every entry against the manifest in
 * order (BUNDLE_ENTRY_MISSING, BUNDLE_ENTRY_EXTRA, BUNDLE_ENTRY_DUPLICATE, BUNDLE_SIZE_MISMATCH before any data is
 * read, BUNDLE_HASH_MISMATCH), the ticket (TICKET_*), the trajectory (LOG_*, BUNDLE_TRAJECTORY_MISMATCH) and the
 * score summary (BUNDLE_INCONSISTENT). Memory is bounded whatever the bundle holds; the only files written are the
 * trajectory's, in a private temporary folder removed afterwards (and the submission, when asked to extract it).
 */
export async function verifyBundleFile(file: string, o: VerifyBundleOptions): Promise<BundleVerdict> {
  const verdict: BundleVerdict = { file, ok: false, code: null, message: '', warnings: [] };
  const signers = await loadSigners(o);
  let work: string | undefined;
  const reader = new TarReader(createReadStream(file, { highWaterMark: READ_CHUNK }));
  try {
    const manifestBytes = await readSmallEntry(reader, BundleEntry.manifest, MAX_MANIFEST_BYTES);
    const sig = (await readSmallEntry(reader, BundleEntry.manifestSig, MAX_SIG_BYTES)).toString('utf8');
    let signerKey: KeyObject;
    try {
      signerKey = verifySshsig(manifestBytes, sig, BUNDLE_NAMESPACE).publicKey;
    } catch (e) {
      throw new RedeskError('BUNDLE_SIGNATURE_INVALID', `manifest.json.sig does not verify: ${(e as Error).message}`, { hint: 'The manifest or its signature was changed after sealing.' });
    }
    if (canonicalArmor(sig) !== sig) throw new RedeskError('BUNDLE_SIGNATURE_INVALID', 'manifest.json.sig verifies, but its text was changed after signing (armor or base64 rewritten).');
    const signer = signers ? findSigner(signers, signerKey, { namespace: BUNDLE_NAMESPACE, now: o.now }) : undefined;
    if (!signers) verdict.warnings.push(`the signer ${signerName(undefined, signerKey)} was not checked against allowed_signers`);
    else if (!signer) {
      throw new RedeskError('BUNDLE_SIGNER_UNKNOWN', `The manifest is signed by ${signerName(undefined, signerKey)}, which allowed_signers does not list for namespace ${BUNDLE_NAMESPACE}.`, {
        hint: "Add the expert's public key to allowed_signers if you trust it.",
      });
    }
    verdict.signer = signerName(signer, signerKey);
    const manifest = parseManifest(manifestBytes);
    if (!sameKey(parseOpenSsh(manifest.expert.publicKey), signerKey)) {
      throw new RedeskError('BUNDLE_SIGNATURE_INVALID', `The manifest names expert key ${manifest.expert.fingerprint} but is signed by ${verdict.signer}.`);
    }
    verdict.manifest = manifest;
    verdict.manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');
    checkStructure(manifest);

    work = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'redesk-verify-'));
    const eventsDir = join(work, 'events');
    await mkdir(eventsDir);
    const small = new Map<string, Buffer>();
    const expected = manifest.files;
    const position = new Map(expected.map((f, i) => [f.path, i]));
    for (const [i, want] of expected.entries()) {
      const e = await reader.next();
      if (!e) throw new RedeskError('BUNDLE_ENTRY_MISSING', `The bundle ends where ${want.path} should come (${expected.length - i} of ${expected.length} entries missing).`);
      checkEntry(e);
      if (e.name !== want.path) {
        const at = position.get(e.name);
        if (e.name === BundleEntry.manifest || e.name === BundleEntry.manifestSig || (at !== undefined && at < i)) throw duplicate(e);
        if (at !== undefined) throw new RedeskError('BUNDLE_ENTRY_MISSING', `${want.path} is missing: ${e.name} comes where it should be.`, { where: want.path });
        throw extra(e);
      }
      if (e.size !== want.size) {
        throw new RedeskError('BUNDLE_SIZE_MISMATCH', `${e.name} is ${e.size} bytes in the tar; the manifest says ${want.size}.`, { where: e.name });
      }
      const keep = e.name === BundleEntry.ticket || e.name === BundleEntry.ticketSig || (e.name === BundleEntry.scores && e.size <= MAX_SCORES_BYTES);
      if ((e.name === BundleEntry.ticket || e.name === BundleEntry.ticketSig) && e.size > MAX_TICKET_BYTES) {
        throw new RedeskError('BUNDLE_TOO_LARGE', `${e.name} is ${e.size} bytes; a ticket is far smaller.`, { where: e.name });
      }
      const target = EVENTS_ENTRY_RE.test(e.name)
        ? joinEvents(work, e.name)
        : o.extractSubmissionTo && e.name.startsWith(BundleEntry.submissionDir)
          ? join(o.extractSubmissionTo, ...e.name.slice(BundleEntry.submissionDir.length).split('/'))
          : undefined;
      const got = await consume(reader, keep, target);
      if (got.sha256 !== want.sha256) throw new RedeskError('BUNDLE_HASH_MISMATCH', `${e.name} does not match its sha256 in the manifest: it was changed after sealing.`, { where: e.name });
      if (got.bytes) small.set(e.name, got.bytes);
    }
    const after = await reader.next();
    if (after) {
      checkEntry(after);
      throw position.has(after.name) || after.name === BundleEntry.manifest || after.name === BundleEntry.manifestSig ? duplicate(after) : extra(after);
    }

    if (manifest.ticket) {
      const { ticket, organizerTrusted } = verifyTicket(small.get(BundleEntry.ticket)!, small.get(BundleEntry.ticketSig)!.toString('utf8'), o.organizerKey, {
        now: new Date(manifest.attempt.startedAt ?? manifest.attempt.createdAt),
        env: { id: manifest.env.id, version: manifest.env.version, hash: manifest.env.hash, variant: manifest.attempt.variant },
        expertKey: manifest.expert.publicKey,
        timeLimitMs: manifest.attempt.timeLimitMs,
      });
      if (ticket.id !== manifest.ticket.id) throw new RedeskError('BUNDLE_INCONSISTENT', `The manifest names ticket ${manifest.ticket.id}, but ticket.json is ${ticket.id}.`);
      if (!organizerTrusted) verdict.warnings.push('the ticket was checked against the organizer key it names, not one you gave (--organizer-key)');
    } else verdict.warnings.push('practice attempt: no ticket');

    if (manifest.trajectory) {
      const found = await summarizeTrajectory(work, signerKey);
      if (!found) throw new RedeskError('BUNDLE_INCONSISTENT', 'The manifest seals a trajectory, but the bundle has no events/meta.json.');
      if (!found.ok) throw new RedeskError((found.problem?.code as ErrorCode) ?? 'LOG_CORRUPT', `The trajectory does not verify: ${found.problem?.message}.`);
      const diff = trajectoryDifference(manifest.trajectory, found);
      if (diff) throw new RedeskError('BUNDLE_TRAJECTORY_MISMATCH', `The trajectory is not the one sealed: ${diff}.`, { hint: 'Records were cut from (or added to) the end of the log.' });
    } else verdict.warnings.push('the attempt has no trajectory');

    const scoresText = small.get(BundleEntry.scores);
    if (scoresText) {
      const points = parseScoreLog(scoresText.toString('utf8'));
      const summary = summarizeScoreLog(points, manifest.score.direction);
      for (const k of Object.keys(summary) as (keyof typeof summary)[]) {
        if (summary[k] !== manifest.score.log[k]) throw new RedeskError('BUNDLE_INCONSISTENT', `The score log's ${k} is ${summary[k]}, the manifest says ${manifest.score.log[k]}.`);
      }
      if (o.collectScores) verdict.scores = points;
    } else if (o.collectScores) verdict.warnings.push('the score log is too large to read for the report');
    if (manifest.submission.omitted.length) verdict.warnings.push(`${manifest.submission.omitted.length} submission file(s) over ${manifest.submission.maxFileBytes} bytes are listed by hash only`);

    verdict.ok = true;
    verdict.message = `ok: ${manifest.attempt.id} (${manifest.env.id}@${manifest.env.version}) sealed by ${verdict.signer}`;
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    const d = errno === 'ENOENT' ? { code: 'FILE_NOT_FOUND' as const, message: `There is no bundle ${file}.` } : errno && /^E[A-Z]+$/.test(errno) ? { code: 'IO_ERROR' as const, message: `${file} cannot be read: ${(e as Error).message}` } : toErrorData(e);
    verdict.code = d.code;
    verdict.message = d.message;
  } finally {
    await reader.close().catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  }
  return verdict;
}

/**
 * Verifies a bundle, or every `*.redesk` in a folder (not its subfolders). A ticket used by more than one bundle
 * counts for the attempt that started first; the others fail with TICKET_REUSED.
 */
export async function verifyBundles(fileOrDir: string, o: VerifyBundleOptions): Promise<VerifyReport> {
  const files = await bundleFiles(fileOrDir);
  const signers = await loadSigners(o);
  const bundles: BundleVerdict[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) bundles[i] = await verifyBundleFile(files[i]!, { ...o, ...(signers ? { allowedSigners: signers } : {}) });
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  flagReusedTickets(bundles);
  return { ok: bundles.length > 0 && bundles.every((b) => b.ok), bundles };
}

/** The bundle files a path names: itself, or the `*.redesk` files in the folder, sorted. */
export async function bundleFiles(fileOrDir: string): Promise<string[]> {
  const abs = resolve(fileOrDir);
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new RedeskError('FILE_NOT_FOUND', `There is no file or folder ${abs}.`, { where: abs });
  }
  if (!st.isDirectory()) return [abs];
  const names = (await readdir(abs)).filter((n) => n.endsWith(BUNDLE_EXTENSION)).sort();
  if (names.length === 0) throw new RedeskError('FILE_NOT_FOUND', `There are no ${BUNDLE_EXTENSION} files in ${abs}.`, { where: abs });
  return names.map((n) => join(abs, n));
}

/** Marks every bundle but the earliest-started one of each ticket as TICKET_REUSED. */
export function flagReusedTickets(bundles: BundleVerdict[]): void {
  const byTicket = new Map<string, BundleVerdict[]>();
  for (const b of bundles) {
    const id = b.ok ? b.manifest?.ticket?.id : undefined;
    if (id) byTicket.set(id, [...(byTicket.get(id) ?? []), b]);
  }
  for (const [id, list] of byTicket) {
    if (list.length < 2) continue;
    const key = (b: BundleVerdict) => b.manifest!.attempt.startedAt ?? b.manifest!.attempt.createdAt;
    list.sort((a, b) => key(a).localeCompare(key(b)) || a.file.localeCompare(b.file));
    for (const dup of list.slice(1)) {
      dup.ok = false;
      dup.code = 'TICKET_REUSED';
      dup.message = `Ticket ${id} was already used by ${list[0]!.file} (attempt ${list[0]!.manifest!.attempt.id}); this attempt does not count.`;
    }
  }
}

async function loadSigners(o: VerifyBundleOptions): Promise<readonly AllowedSigner[] | undefined> {
  if (o.allowedSigners === undefined) {
    if (o.trustAnySigner) return undefined;
    throw new RedeskError('BAD_REQUEST', 'Verifying a bundle needs an allowed_signers file (the experts whose bundles you accept).', { hint: 'Pass --allowed-signers FILE.' });
  }
  return typeof o.allowedSigners === 'string' ? readAllowedSigners(o.allowedSigners) : o.allowedSigners;
}

/** The next entry must be `name`, a regular file of at most `max` bytes; its bytes. */
async function readSmallEntry(reader: TarReader, name: string, max: number): Promise<Buffer> {
  const e = await reader.next();
  if (!e) throw new RedeskError('BUNDLE_ENTRY_MISSING', `The bundle has no ${name}.`, { where: name });
  checkEntry(e);
  if (e.name !== name) throw new RedeskError('BUNDLE_ENTRY_MISSING', `The bundle must hold ${name} here, but holds ${e.name}.`, { where: name });
  if (e.size > max) throw new RedeskError('BUNDLE_TOO_LARGE', `${name} claims ${e.size} bytes; at most ${max} are read.`, { where: name });
  const parts: Buffer[] = [];
  for await (const p of reader.data()) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

/** Names and kinds a bundle may hold: safe relative paths, regular files only. */
function checkEntry(e: TarEntry): void {
  const why = unsafePathReason(e.name);
  if (why) throw new RedeskError('BUNDLE_UNSAFE_PATH', `The entry at byte ${e.offset} is named ${JSON.stringify(e.name.slice(0, 200))}: ${why}.`, { where: e.name });
  if (e.type !== 'file') {
    throw new RedeskError('BUNDLE_UNSAFE_ENTRY', `${e.name} is a ${e.type === 'other' ? `tar entry of type "${e.flag}"` : e.type}${e.linkname ? ` (to ${e.linkname})` : ''}; a bundle holds regular files only.`, { where: e.name });
  }
}

function parseManifest(bytes: Buffer): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new RedeskError('BUNDLE_MALFORMED', `manifest.json is not JSON: ${(e as Error).message}`);
  }
  if ((raw as { format?: unknown })?.format !== BUNDLE_FORMAT) {
    throw new RedeskError('BUNDLE_MALFORMED', `manifest.json is format ${JSON.stringify((raw as { format?: unknown })?.format)}, not ${BUNDLE_FORMAT}.`, { hint: 'It may come from a newer redesk; verify it with that version.' });
  }
  const r = ManifestSchema.safeParse(raw);
  if (!r.success) throw new RedeskError('BUNDLE_MALFORMED', `manifest.json: ${formatIssues(r.error).slice(0, 3).join('; ')}`);
  return r.data;
}

/** What the manifest must say about itself before its entries are read. */
function checkStructure(m: Manifest): void {
  const names = new Set<string>();
  for (const f of m.files) {
    if (names.has(f.path) || f.path === BundleEntry.manifest || f.path === BundleEntry.manifestSig) throw new RedeskError('BUNDLE_INCONSISTENT', `The manifest lists ${f.path} twice.`);
    names.add(f.path);
  }
  const has = (n: string) => names.has(n);
  if (!!m.ticket !== (has(BundleEntry.ticket) && has(BundleEntry.ticketSig))) throw new RedeskError('BUNDLE_INCONSISTENT', m.ticket ? 'The manifest names a ticket but lists no ticket.json and ticket.json.sig.' : 'The manifest lists ticket files but names no ticket.');
  if (m.attempt.practice !== !m.ticket) throw new RedeskError('BUNDLE_INCONSISTENT', `The manifest says practice: ${m.attempt.practice} but ${m.ticket ? 'names' : 'has no'} ticket.`);
  if (!!m.trajectory !== has('events/meta.json')) throw new RedeskError('BUNDLE_INCONSISTENT', 'The manifest and its file list disagree on whether the bundle has a trajectory.');
  if (!has(BundleEntry.scores)) throw new RedeskError('BUNDLE_INCONSISTENT', 'The manifest lists no scores.jsonl.');
}

/** Reads the current entry through: its sha256, its bytes when `keep`, and its bytes written to `target` if given. */
async function consume(reader: TarReader, keep: boolean, target: string | undefined): Promise<{ sha256: string; bytes?: Buffer }> {
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  if (target) {
    await mkdir(dirname(target), { recursive: true });
    fh = await open(target, 'wx', 0o644);
  }
  try {
    for await (const p of reader.data()) {
      hash.update(p);
      if (keep) parts.push(Buffer.from(p));
      if (fh) await fh.write(p);
    }
  } finally {
    await fh?.close();
  }
  return { sha256: hash.digest('hex'), ...(keep ? { bytes: Buffer.concat(parts) } : {}) };
}

function duplicate(e: TarEntry): RedeskError {
  return new RedeskError('BUNDLE_ENTRY_DUPLICATE', `${e.name} appears a second time in the bundle (at byte ${e.offset}).`, { where: e.name });
}

function extra(e: TarEntry): RedeskError {
  return new RedeskError('BUNDLE_ENTRY_EXTRA', `${e.name} is in the bundle but not in its manifest.`, { where: e.name });
}
