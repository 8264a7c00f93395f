/**
 * One recording per attempt for the life of the page: its Recorder (the send queue) and what the host last said
 * about the log. The saved indicator subscribes here rather than to the store: the queue changes on every keystroke,
 * and the store holds no high-frequency data.
 */
import type { ClientEvent, LogStatus } from '../../../main/common/api';
import { api } from '../api/client';
import { pushToast } from '../actions/toasts';
import { Recorder } from './Recorder';
import { mergeStatus, savedView, type SavedView } from './savedState';

/** A status that still shows records not yet durable is re-read after this long if no newer one came. */
const RECHECK_MS = 1000;
/** Refused records are a bug worth telling the expert about, but not once per keystroke. */
const DROP_TOAST_EVERY_MS = 60_000;

let lastDropToast = 0;

function reportDropped(events: ClientEvent[], reason: { code: string; message: string }): void {
  console.warn(`redesk: ${events.length} record(s) not kept (${reason.code}: ${reason.message})`, events);
  // A refused record is a bug worth telling the expert about. A record made in the instant the attempt ended
  // (ATTEMPT_BAD_STATE: a last cursor move as Submit was pressed) is not: the log is closed, as it should be.
  if (reason.code !== 'BAD_REQUEST' || Date.now() - lastDropToast < DROP_TOAST_EVERY_MS) return;
  lastDropToast = Date.now();
  pushToast('warning', `A record could not be written and was left out: ${reason.message}`, { code: reason.code });
}

export class RecordingSession {
  readonly recorder: Recorder;
  /** Whether the attempt is live (running or paused): records are made only then. */
  active = false;
  private status: LogStatus | null = null;
  private view: SavedView;
  private readonly listeners = new Set<() => void>();
  private recheck: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly attemptId: string) {
    this.recorder = new Recorder({
      send: (events) => api.recordEvents(attemptId, events),
      tail: (afterSeq, limit) => api.logTail(attemptId, { afterSeq, limit }),
      onStatus: (s) => this.applyStatus(s),
      onChange: () => this.update(),
      onDropped: reportDropped,
    });
    this.view = savedView(null, 0, null);
  }

  /** Queues a record if the attempt is live; a promise keeps its place while it is built. */
  record(event: ClientEvent | Promise<ClientEvent | null>): void {
    if (this.active) this.recorder.enqueue(event);
  }

  applyStatus(s: LogStatus): void {
    if (s.attemptId !== this.attemptId) return;
    this.status = mergeStatus(this.status, s);
    this.recorder.noteLastSeq(this.status.lastSeq);
    this.update();
    if (this.recheck !== undefined) clearTimeout(this.recheck);
    this.recheck = undefined;
    // log.status events are throttled by the host; make sure the indicator does not stay on "Saving…" for want of one.
    if (this.status.durableSeq < this.status.lastSeq || this.status.writeError) {
      this.recheck = setTimeout(() => void this.refreshStatus(), RECHECK_MS);
    }
  }

  async refreshStatus(): Promise<void> {
    try {
      this.applyStatus(await api.logStatus(this.attemptId));
    } catch {
      // The host is unreachable or older than the recording; the connection banner says so.
    }
  }

  get savedView(): SavedView {
    return this.view;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Recomputes the indicator; listeners hear only when what it shows changes. */
  private update(): void {
    const next = savedView(this.status, this.recorder.pending, this.recorder.lastError);
    const prev = this.view;
    if (next.state === prev.state && next.text === prev.text && next.title === prev.title && next.code === prev.code) return;
    this.view = next;
    for (const l of this.listeners) l();
  }
}

const sessions = new Map<string, RecordingSession>();

export function recordingFor(attemptId: string): RecordingSession {
  let s = sessions.get(attemptId);
  if (!s) sessions.set(attemptId, (s = new RecordingSession(attemptId)));
  return s;
}

export function allRecordings(): RecordingSession[] {
  return [...sessions.values()];
}

/** How long score, pause and submit wait for the record to reach the host before going ahead anyway. */
export const FLUSH_BEFORE_ACTION_MS = 3000;

/** Sends what is queued before a state change, so the record of what led to it comes first in the log. */
export async function flushRecording(attemptId: string): Promise<void> {
  const s = sessions.get(attemptId);
  if (s && s.recorder.pending > 0) await s.recorder.flush(FLUSH_BEFORE_ACTION_MS);
}
