/**
 * Errors that reach a user: a stable code (for tests and scripts), what happened, and what to do.
 * Plain data so they cross IPC and the browser-mode WebSocket unchanged.
 */
export const ErrorCodes = [
  'ENV_NOT_FOUND',
  'ENV_INVALID',
  'ENV_ASSET_MISSING',
  'ENV_ASSET_HASH_MISMATCH',
  'SCORER_CRASHED',
  'SCORER_TIMEOUT',
  'SCORER_BAD_OUTPUT',
  'SCORER_OUTPUT_TOO_LARGE',
  'SCORER_OUT_OF_MEMORY',
  'SCORER_NOT_VISIBLE',
  'ATTEMPT_NOT_FOUND',
  'ATTEMPT_BAD_STATE',
  'ATTEMPT_STATE_CORRUPT',
  'PAUSE_NOT_ALLOWED',
  'PAUSE_BUDGET_EXHAUSTED',
  'PATH_ESCAPES_WORKSPACE',
  'FILE_NOT_FOUND',
  'FILE_TOO_LARGE',
  'DATA_DIR_LOCKED',
  'DISK_FULL',
  'IO_ERROR',
  'PTY_NOT_FOUND',
  'PTY_HOST_DIED',
  'BAD_REQUEST',
  /** A replay search pattern ran past its time budget (catastrophic backtracking). */
  'SEARCH_TOO_SLOW',
  'UNAUTHORIZED',
  'FORBIDDEN_ORIGIN',
  'UNKNOWN_METHOD',
  'LOG_CORRUPT',
  'LOG_CHAIN_BROKEN',
  'LOG_CHECKPOINT_INVALID',
  'LOG_TRUNCATED',
  'KEY_NOT_FOUND',
  'KEY_INVALID',
  'SIGNATURE_INVALID',
  'TICKET_MALFORMED',
  'TICKET_SIGNATURE_INVALID',
  'TICKET_EXPIRED',
  'TICKET_NOT_YET_VALID',
  'TICKET_ENV_MISMATCH',
  'TICKET_EXPERT_MISMATCH',
  'TICKET_TERMS_MISMATCH',
  'TICKET_REUSED',
  'BUNDLE_MALFORMED',
  'BUNDLE_TRUNCATED',
  'BUNDLE_TOO_LARGE',
  'BUNDLE_UNSAFE_PATH',
  'BUNDLE_UNSAFE_ENTRY',
  'BUNDLE_SIGNATURE_INVALID',
  'BUNDLE_SIGNER_UNKNOWN',
  'BUNDLE_ENTRY_MISSING',
  'BUNDLE_ENTRY_EXTRA',
  'BUNDLE_ENTRY_DUPLICATE',
  'BUNDLE_SIZE_MISMATCH',
  'BUNDLE_HASH_MISMATCH',
  'BUNDLE_TRAJECTORY_MISMATCH',
  'BUNDLE_INCONSISTENT',
  'BUNDLE_SOURCE_CHANGED',
  'REVIEW_MALFORMED',
  'REVIEW_SIGNATURE_INVALID',
  'REVIEW_UNKNOWN_BUNDLE',
  'REVIEW_NOT_REVEALED',
  // path-patching explorer: models and runs
  'MODEL_NOT_FOUND',
  'MODEL_INVALID',
  'MODEL_PART_MISSING',
  'MODEL_SHAPE_MISMATCH',
  'MODEL_BAD_ONNX',
  'MODEL_UNKNOWN_TOKEN',
  'MODEL_IMPORT_INVALID',
  'PATCH_PROMPT_TOO_LONG',
  'PATCH_LENGTH_MISMATCH',
  'PATCH_BAD_ANSWER',
  'PATCH_BAD_PATH',
  'PATCH_BAD_REQUEST',
  'PATCH_CANCELLED',
  'PATCH_RUNTIME',
  // environment packs and the task-standard bridge
  'ENV_ASSET_UNPINNED',
  'ENV_REQUIREMENTS_UNMET',
  'SCORER_TAMPERED',
  'PACK_SIGNATURE_INVALID',
  'PACK_UNTRUSTED_SIGNER',
  'PACK_HASH_MISMATCH',
  'PACK_UNSAFE_PATH',
  'PACK_ASSET_MISSING',
  'PACK_MALFORMED',
  'PACK_EXISTS',
  'TASKSTD_METHOD_MISSING',
  'TASKSTD_FAILED',
  'TASKSTD_BAD_RETURN',
  'TASKSTD_TASK_NOT_FOUND',
  // agents (MCP server and runner)
  'AGENT_ATTEMPT_OVER',
  'AGENT_BAD_COMMAND',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface RedeskErrorData {
  code: ErrorCode;
  message: string;
  /** What to do about it, in one sentence. */
  hint?: string;
  /** Field or path the error is about, when there is one. */
  where?: string;
}

export class RedeskError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly where?: string;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; where?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RedeskError';
    this.code = code;
    this.hint = opts.hint;
    this.where = opts.where;
  }

  toData(): RedeskErrorData {
    const data: RedeskErrorData = { code: this.code, message: this.message };
    if (this.hint !== undefined) data.hint = this.hint;
    if (this.where !== undefined) data.where = this.where;
    return data;
  }

  static fromData(d: RedeskErrorData): RedeskError {
    return new RedeskError(d.code, d.message, { hint: d.hint, where: d.where });
  }
}

export function isRedeskError(e: unknown): e is RedeskError {
  return e instanceof RedeskError;
}

/** Any thrown value as error data; unknown failures become INTERNAL with their message kept. */
export function toErrorData(e: unknown): RedeskErrorData {
  if (isRedeskError(e)) return e.toData();
  const err = e as { code?: string; message?: string };
  if (err && (err.code === 'ENOSPC' || err.code === 'EDQUOT')) {
    return { code: 'DISK_FULL', message: err.message ?? 'disk full', hint: 'Free some disk space; nothing already saved was lost.' };
  }
  return { code: 'INTERNAL', message: err?.message ?? String(e) };
}
