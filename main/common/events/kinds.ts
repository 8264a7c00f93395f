import { z } from 'zod';

/**
 * The record kinds redesk writes, with the shape of their `data`. `data` stays free-form JSON (a newer app may add
 * fields or kinds), so these objects are open: the writer checks a known kind's fields on append, a reader never
 * rejects a record for its data.
 */

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const ptyId = z.string().min(1);
const count = z.number().int().nonnegative();
/** Terminal sizes beyond this are garbage (the kernel's winsize is 16-bit; no screen is this big). */
const MAX_TERMINAL_CELLS = 4096;
const cells = z.number().int().min(1).max(MAX_TERMINAL_CELLS);

/** Pastes keep their text up to this many UTF-16 units (64 KiB, as the issue asks); beyond it, length and hash only. */
export const PASTE_CONTENT_MAX = 64 * 1024;

/** Monaco's IRange: 1-based lines and columns. */
const range = z.object({
  startLineNumber: z.number().int().positive(),
  startColumn: z.number().int().positive(),
  endLineNumber: z.number().int().positive(),
  endColumn: z.number().int().positive(),
});

export const KnownKinds = {
  /** A terminal was created; its first size. */
  'pty.open': z.object({ ptyId, cols: cells, rows: cells, shell: z.string().optional(), cwd: z.string().optional() }),
  /** Bytes typed into a terminal (as the pty received them, decoded as UTF-8). */
  'pty.input': z.object({ ptyId, data: z.string() }),
  /** Bytes the terminal printed, in the pty host's batches. */
  'pty.output': z.object({ ptyId, data: z.string() }),
  'pty.resize': z.object({ ptyId, cols: cells, rows: cells }),
  'pty.exit': z.object({ ptyId, exitCode: z.number().int().nullable(), signal: z.union([z.number(), z.string()]).nullable().optional() }),
  /** A file was opened in the editor; sha256 of its content when opened. */
  'editor.open': z.object({ path: z.string().min(1), versionId: z.number().int().optional(), sha256: sha256Hex.optional() }),
  /** Monaco's IModelContentChangedEvent, enough to replay it: changes apply in order against the previous version. */
  'editor.change': z.object({
    path: z.string().min(1),
    versionId: z.number().int(),
    changes: z.array(z.object({ rangeOffset: count, rangeLength: count, text: z.string(), range })),
    isUndo: z.boolean(),
    isRedo: z.boolean(),
  }),
  /** Saved to disk; sha256 of the bytes written, so replay can check itself at every save. */
  'editor.save': z.object({ path: z.string().min(1), sha256: sha256Hex, versionId: z.number().int().optional() }),
  /** Cursor and selections, throttled by the caller; the primary selection first. */
  'editor.cursor': z.object({ path: z.string().min(1), selections: z.array(range).min(1) }),
  /** A file changed outside the editor (workspace watcher); size and sha256 are null when it was deleted. */
  'fs.change': z.object({ path: z.string().min(1), size: count.nullable(), sha256: sha256Hex.nullable() }),
  'app.focus': z.object({}),
  'app.blur': z.object({}),
  /** A paste into the terminal or the editor; content only up to PASTE_CONTENT_MAX. */
  'app.paste': z
    .object({ target: z.string().min(1), length: count, sha256: sha256Hex, content: z.string().max(PASTE_CONTENT_MAX).optional() })
    .refine((p) => p.content === undefined || p.content.length <= p.length, { message: 'content is longer than length' }),
  /** No input between fromT and toT (attempt time). */
  'app.idle': z.object({ fromT: z.number().nonnegative(), toT: z.number().nonnegative() }).refine((i) => i.toT >= i.fromT, {
    message: 'toT must not be before fromT',
  }),
  'app.start': z.object({}),
  'app.pause': z.object({ reason: z.string() }),
  'app.resume': z.object({ reason: z.string().optional() }),
  /** The expert's notes box. */
  'app.note': z.object({ text: z.string() }),
  'app.submit': z.object({ reason: z.string().optional() }),
  /** The clock ran out: the workspace is submitted as it stands (lateByMs: how late the host noticed). */
  'app.expired': z.object({ timeLimitMs: z.number().positive(), lateByMs: z.number().nonnegative() }),
  /**
   * The log was reopened after a gap: the app crashed, was killed, or was closed. gapWallMs: wall time since the
   * last record kept; droppedTornBytes: bytes of a half-written last line that recovery cut off; clean: the last
   * writer closed the log at lastSeq (absent in logs written before it was recorded).
   */
  'app.recovered': z.object({ gapWallMs: z.number(), droppedTornBytes: count, lastSeq: z.number().int().min(-1), clean: z.boolean().optional() }),
  /** A network interface went up or down. */
  'os.net': z.object({ name: z.string().min(1), up: z.boolean(), addresses: z.array(z.string()).optional() }),
  /** A GPU sample (nvidia-smi), every 10 s where it answers. */
  'os.gpu': z.object({
    gpus: z.array(
      z.object({
        index: count,
        name: z.string().optional(),
        utilization: z.number().min(0).max(100),
        memoryUsedMiB: z.number().nonnegative(),
        memoryTotalMiB: z.number().nonnegative(),
      }),
    ),
    processes: z.array(z.object({ pid: count, name: z.string().optional(), gpuIndex: count.optional(), memoryMiB: z.number().nonnegative() })).optional(),
  }),
  'scorer.request': z.object({ id: z.string().min(1) }),
  /** As in the score log: score null when the scorer failed, with the reason in message. */
  'scorer.result': z.object({
    id: z.string().min(1),
    score: z.number().nullable(),
    message: z.string().optional(),
    elapsedMs: z.number().nonnegative(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
} as const;

export type KnownKind = keyof typeof KnownKinds;
export type KnownKindData = { [K in KnownKind]: z.input<(typeof KnownKinds)[K]> };

export function isKnownKind(kind: string): kind is KnownKind {
  return Object.prototype.hasOwnProperty.call(KnownKinds, kind);
}

/** Checks a known kind's data; returns the first problem as `field: message`, or undefined when it fits. */
export function checkKnownData(kind: string, data: unknown): string | undefined {
  if (!isKnownKind(kind)) return undefined;
  const r = KnownKinds[kind].safeParse(data);
  if (r.success) return undefined;
  const i = r.error.issues[0];
  return i ? `${i.path.length ? i.path.join('.') : '(data)'}: ${i.message}` : 'invalid';
}
