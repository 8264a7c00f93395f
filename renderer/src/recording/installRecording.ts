/**
 * Page-wide recording wiring, installed once at startup: which attempt is live, the host's log.status events,
 * reconnection, window focus and blur, and idle spans. Focus and idle belong to the attempt on screen.
 */
import { isActive } from '../../../main/common/attempt';
import { onEvent, onReconnected } from '../api/client';
import { getState, useStore } from '../store/store';
import { appFocus, appIdle } from './clientEvents';
import { attemptTimeAt } from './attemptTime';
import { IdleTracker } from './IdleTracker';
import { allRecordings, recordingFor, type RecordingSession } from './session';

/** The recording of the attempt on screen, when it is live. */
function current(): RecordingSession | undefined {
  const a = getState().attempt;
  if (!a || !isActive(a.state)) return undefined;
  return recordingFor(a.id);
}

/** Renderer wall time of a performance.now() reading. */
function wallOf(perfMs: number): number {
  return Date.now() - (performance.now() - perfMs);
}

function attemptTimeOf(perfMs: number): number {
  const { attempt, attemptReceivedAt } = getState();
  return attempt ? attemptTimeAt(attempt, attemptReceivedAt, wallOf(perfMs)) : 0;
}

function trackAttemptState(idle: IdleTracker): void {
  let last: { id: string; state: string } | null = null;
  const apply = () => {
    const a = getState().attempt;
    if (!a || (last?.id === a.id && last.state === a.state)) return;
    const opened = last?.id !== a.id;
    last = { id: a.id, state: a.state };
    const session = recordingFor(a.id);
    session.active = isActive(a.state);
    // A pause, a resume or another attempt starts a fresh idle count: time spent paused is not idleness.
    idle.reset(performance.now());
    if (opened) void session.refreshStatus();
  };
  useStore.subscribe((s, prev) => {
    if (s.attempt !== prev.attempt) apply();
  });
  apply();
}

function trackFocus(): void {
  let focused = document.hasFocus();
  const set = (now: boolean) => {
    if (now === focused) return;
    focused = now;
    current()?.record(appFocus(now, document.visibilityState));
  };
  window.addEventListener('focus', () => set(true));
  window.addEventListener('blur', () => set(false));
  // A minimised or covered window may keep focus in some window managers; hidden counts as away.
  document.addEventListener('visibilitychange', () => set(document.visibilityState === 'visible' && document.hasFocus()));
}

function trackInput(idle: IdleTracker): void {
  const onInput = () => idle.input(performance.now());
  for (const type of ['keydown', 'pointerdown', 'pointermove', 'wheel']) {
    window.addEventListener(type, onInput, { capture: true, passive: true });
  }
}

export function installRecording(): void {
  const idle = new IdleTracker(performance.now(), (from, to) => current()?.record(appIdle(attemptTimeOf(from), attemptTimeOf(to), to - from)));
  trackAttemptState(idle);
  trackFocus();
  trackInput(idle);
  onEvent('log.status', (s) => recordingFor(s.attemptId).applyStatus(s));
  onReconnected(() => {
    for (const s of allRecordings()) {
      s.recorder.retryNow();
      void s.refreshStatus();
    }
  });
  // Closing or reloading the window: send what is queued (best effort; the page may be gone before the answer).
  window.addEventListener('pagehide', () => {
    for (const s of allRecordings()) s.recorder.sendNow();
  });
}
