/**
 * What the "saved" indicator says, from the host's LogStatus and the renderer's own queue. "Saved" means on disk:
 * the host has made everything it accepted durable and the renderer holds nothing unsent.
 */
import type { LogStatus } from '../../../main/common/api';

export type SavedState = 'checking' | 'saved' | 'saving' | 'error';

export interface SavedView {
  state: SavedState;
  text: string;
  /** The stable error code, shown beside the text when the disk refuses writes. */
  code?: string;
  /** Longer explanation for the tooltip. */
  title: string;
}

/**
 * Statuses arrive from two places (recordEvents answers and log.status events); positions only move forward, so an
 * older one arriving late cannot make the indicator claim less than it knew. writeError follows the newer status.
 */
export function mergeStatus(prev: LogStatus | null, next: LogStatus): LogStatus {
  if (!prev || prev.attemptId !== next.attemptId) return next;
  const newer = next.lastSeq >= prev.lastSeq || next.durableSeq > prev.durableSeq;
  const merged: LogStatus = {
    attemptId: next.attemptId,
    lastSeq: Math.max(prev.lastSeq, next.lastSeq),
    durableSeq: Math.max(prev.durableSeq, next.durableSeq),
    checkpointSeq: Math.max(prev.checkpointSeq, next.checkpointSeq),
  };
  const writeError = newer ? next.writeError : prev.writeError;
  if (writeError) merged.writeError = writeError;
  return merged;
}

export function savedView(status: LogStatus | null, pending: number, sendError: { code: string; message: string } | null): SavedView {
  if (status?.writeError) {
    const { code, message, pendingRecords } = status.writeError;
    const n = pendingRecords + pending;
    const what = code === 'DISK_FULL' ? 'Disk full' : 'Cannot write the record';
    return {
      state: 'error',
      text: `${what} — keeping ${n} record${n === 1 ? '' : 's'} in memory`,
      code,
      title: `${message}. Nothing is dropped: the records are written as soon as the disk takes them. Free some space to continue safely.`,
    };
  }
  if (pending > 0) {
    const why = sendError ? ` Not sent yet (${sendError.code}: ${sendError.message}); retrying.` : '';
    // No count here: the view is recomputed on every keystroke and should only change when its meaning does.
    return { state: 'saving', text: 'Saving…', title: `Records waiting to be sent.${why}` };
  }
  if (!status) return { state: 'checking', text: 'Checking…', title: 'Asking the host what is on disk.' };
  if (status.durableSeq >= status.lastSeq) {
    return { state: 'saved', text: 'Saved', title: `Every record (up to #${status.lastSeq}) is on disk.` };
  }
  return { state: 'saving', text: 'Saving…', title: `On disk up to record #${status.durableSeq} of ${status.lastSeq}.` };
}
