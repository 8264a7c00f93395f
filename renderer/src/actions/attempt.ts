import { api } from '../api/client';
import type { AttemptInfo, ScoreRow } from '../../../main/common/attempt';
import { isActive } from '../../../main/common/attempt';
import { getState, setState } from '../store/store';
import { INSTRUCTIONS_TAB } from '../store/types';
import { formatNormalized } from '../lib/numbers';
import { pushToast, reportError } from './toasts';
import { restoreTerminals } from './terminals';
import { writeHash } from '../lib/hashRoute';
import { isDirty, openFilesOf } from '../editor/models';
import { flushRecording } from '../recording/session';

/** Takes a fresh AttemptInfo as the truth; the clock extrapolates from the moment it arrived. */
export function setAttempt(info: AttemptInfo): void {
  setState({ attempt: info, attemptReceivedAt: Date.now() });
  const attempts = getState().attempts;
  if (attempts?.some((a) => a.id === info.id)) {
    setState({
      attempts: attempts.map((a) =>
        a.id === info.id ? { ...a, state: info.state, finalScore: info.finalScore, normalizedScore: info.normalizedScore } : a,
      ),
    });
  }
}

export async function openAttemptView(attemptId: string, known?: AttemptInfo): Promise<void> {
  try {
    const info = known ?? (await api.attemptStatus(attemptId));
    setAttempt(info);
    const tabs = openFilesOf(info.id).map((f) => ({ path: f.path, dirty: isDirty(f), disk: 'same' as const }));
    setState({ view: { kind: 'attempt', attemptId: info.id }, tabs, activeTab: INSTRUCTIONS_TAB, envDetail: null, files: [] });
    writeHash(`#/attempt/${encodeURIComponent(info.id)}`);
    void restoreTerminals(info.id, isActive(info.state) && !info.agent);
    await Promise.all([loadEnvDetail(info.envId), refreshFiles()]);
  } catch (e) {
    reportError(e, 'Could not open the attempt');
  }
}

async function loadEnvDetail(envId: string): Promise<void> {
  try {
    setState({ envDetail: await api.envGet(envId) });
  } catch (e) {
    reportError(e, 'Could not load the instructions');
  }
}

export async function refreshAttempt(): Promise<void> {
  const current = getState().attempt;
  if (!current) return;
  try {
    const info = await api.attemptStatus(current.id);
    if (getState().attempt?.id === info.id) setAttempt(info);
  } catch (e) {
    reportError(e, 'Could not refresh the attempt');
  }
}

let filesTimer: ReturnType<typeof setTimeout> | undefined;

/** File events come in bursts (a `git checkout`, a build); one listing after the burst is enough. */
export function refreshFilesSoon(): void {
  if (filesTimer !== undefined) clearTimeout(filesTimer);
  filesTimer = setTimeout(() => {
    filesTimer = undefined;
    void refreshFiles();
  }, 200);
}

export async function refreshFiles(): Promise<void> {
  const current = getState().attempt;
  if (!current) return;
  try {
    const files = await api.fsList(current.id);
    if (getState().attempt?.id === current.id) setState({ files });
  } catch (e) {
    reportError(e, 'Could not list the workspace');
  }
}

function mergeRow(info: AttemptInfo, row: ScoreRow): AttemptInfo {
  if (info.scores.some((r) => r.n === row.n)) return info;
  return { ...info, scores: [...info.scores, row].sort((a, b) => a.n - b.n) };
}

export async function score(): Promise<void> {
  const current = getState().attempt;
  if (!current || getState().scoring || !isActive(current.state)) return;
  setState({ scoring: true });
  try {
    await flushRecording(current.id);
    const row = await api.attemptScore(current.id);
    const now = getState().attempt;
    if (now?.id === current.id) setState({ attempt: mergeRow(now, row) });
    if (row.score === null) {
      pushToast('warning', `Score #${row.n}: no valid score — ${row.message}`, { code: row.errorCode });
    } else {
      pushToast('info', `Score #${row.n}: normalized ${formatNormalized(row.normalized)}`);
    }
    await refreshAttempt();
  } catch (e) {
    reportError(e, 'Scoring failed');
  } finally {
    setState({ scoring: false });
  }
}

/** After submit the host scores the submission; poll until the final result is in, for at most this long. */
const FINAL_POLL_MS = 1000;
const FINAL_POLL_LIMIT_MS = 15 * 60 * 1000;

export async function submit(): Promise<void> {
  const current = getState().attempt;
  if (!current || getState().submitting) return;
  setState({ submitting: true });
  try {
    await flushRecording(current.id);
    setAttempt(await api.attemptSubmit(current.id));
    const t0 = Date.now();
    while (Date.now() - t0 < FINAL_POLL_LIMIT_MS) {
      const a = getState().attempt;
      if (!a || a.id !== current.id) break;
      if (a.state === 'scored' || a.state === 'sealed') break;
      await new Promise((r) => setTimeout(r, FINAL_POLL_MS));
      await refreshAttempt();
    }
  } catch (e) {
    reportError(e, 'Submit failed');
  } finally {
    setState({ submitting: false });
  }
}

export async function pause(reason: string): Promise<void> {
  const current = getState().attempt;
  if (!current) return;
  try {
    await flushRecording(current.id);
    setAttempt(await api.attemptPause(current.id, reason));
  } catch (e) {
    reportError(e, 'Could not pause');
  }
}

export async function resume(): Promise<void> {
  const current = getState().attempt;
  if (!current) return;
  try {
    setAttempt(await api.attemptResume(current.id));
  } catch (e) {
    reportError(e, 'Could not resume');
  }
}
