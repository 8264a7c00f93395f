import { z } from 'zod';
import { PauseRecordSchema } from '../pauseSchema';
import { isSafeBundlePath } from './bundlePath';

/**
 * manifest.json, the first entry of a `.redesk` bundle (DESIGN.md "The bundle"): the attempt's facts and every
 * other entry with its sha256 and size, in the order the entries follow it. Signed as stored (its exact bytes)
 * by the expert key with SSHSIG, namespace "redesk-bundle", in manifest.json.sig, the second entry.
 */
export const BUNDLE_FORMAT = 'redesk-bundle/1';
export const BUNDLE_NAMESPACE = 'redesk-bundle';
export const BUNDLE_EXTENSION = '.redesk';

export const BundleEntry = {
  manifest: 'manifest.json',
  manifestSig: 'manifest.json.sig',
  ticket: 'ticket.json',
  ticketSig: 'ticket.json.sig',
  scores: 'scores.jsonl',
  eventsDir: 'events/',
  castsDir: 'casts/',
  submissionDir: 'submission/',
} as const;

const isoTime = z.string().min(1);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const bundlePath = z.string().refine(isSafeBundlePath, { message: 'must be a safe relative path' });
const size = z.number().int().nonnegative();

export const ManifestFileSchema = z.object({ path: bundlePath, sha256: sha256Hex, size });

const BaselineSchema = z.object({ start: z.number(), reference: z.number(), source: z.enum(['fixed', 'calibrated']) });

export const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  sealedAt: isoTime,
  app: z.object({ name: z.literal('redesk'), version: z.string() }),
  attempt: z.object({
    id: z.string().min(1),
    /** The state when sealed (scored, or submitted/expired if scoring had not finished). */
    state: z.string(),
    practice: z.boolean(),
    variant: z.string(),
    createdAt: isoTime,
    startedAt: isoTime.optional(),
    submittedAt: isoTime.optional(),
    scoredAt: isoTime.optional(),
    timeLimitMs: z.number().positive(),
    /** Attempt time used (running intervals only). */
    elapsedMs: z.number().nonnegative(),
    expiredLateByMs: z.number().nonnegative().optional(),
    pausePolicy: z.object({ allowed: z.boolean(), maxTotalMs: z.number().nonnegative().optional() }),
    pauses: z.array(PauseRecordSchema),
    recoveries: z.array(z.record(z.string(), z.unknown())),
    /** The machine the attempt ran on, from its preflight. */
    machine: z.record(z.string(), z.unknown()).optional(),
  }),
  env: z.object({ id: z.string(), version: z.string(), title: z.string(), hash: sha256Hex, scorerHash: sha256Hex }),
  expert: z.object({ publicKey: z.string(), fingerprint: z.string() }),
  /** Present for attempts made by an AI agent; absent means a human. */
  agent: z.object({ name: z.string().min(1), version: z.string().optional() }).catchall(z.unknown()).optional(),
  /** The ticket the attempt ran under (ticket.json in the bundle), or null for a practice attempt. */
  ticket: z.object({ id: z.string(), sha256: sha256Hex, organizerFingerprint: z.string() }).nullable(),
  score: z.object({
    direction: z.enum(['min', 'max']),
    aggregate: z.enum(['best', 'last']),
    baselineKind: z.enum(['fixed', 'calibrated']),
    visibleToExpert: z.boolean(),
    baseline: BaselineSchema.nullable(),
    final: z.number().nullable(),
    normalized: z.number().nullable(),
    /** Summary of scores.jsonl. */
    log: z.object({
      count: size,
      valid: size,
      best: z.number().nullable(),
      last: z.number().nullable(),
      bestElapsedMs: z.number().nullable(),
      lastElapsedMs: z.number().nullable(),
    }),
  }),
  /**
   * The trajectory as verified at sealing: its last record and that record's hash, which close the gap that
   * checkpoints leave (records cut after the last checkpoint). Null when the attempt has no trajectory.
   */
  trajectory: z
    .object({
      records: size,
      segments: size,
      lastSeq: z.number().int(),
      head: sha256Hex.nullable(),
      checkpoints: size,
      lastCheckpointSeq: z.number().int(),
      /** What verification said when sealing; a bundle sealed over a damaged log says so here. */
      ok: z.boolean(),
      problem: z.object({ code: z.string(), message: z.string() }).optional(),
    })
    .nullable(),
  submission: z.object({
    include: z.array(z.string()),
    exclude: z.array(z.string()),
    maxFileBytes: z.number().int().positive(),
    /** Files copied under submission/ and their total size. */
    files: size,
    bytes: size,
    /** Files over maxFileBytes: listed by hash and size, not copied. */
    omitted: z.array(ManifestFileSchema),
    /** Matching workspace entries that are not regular files (symlinks, sockets): named, not copied. */
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  }),
  /** Every entry after manifest.json.sig, in the order the bundle holds them. */
  files: z.array(ManifestFileSchema),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestFile = z.infer<typeof ManifestFileSchema>;
