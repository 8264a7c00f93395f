/** What the blind review in the Bundles view does: list the loaded folder blind, record a judge's actions, reveal. */
import type { ReviewAction } from '../../../main/common/review';
import { api } from '../api/client';
import { ApiError } from '../api/ApiError';
import { getState } from '../store/store';
import { patch } from './bundlesActions';
import { emptyReview, type ReviewState } from './bundlesSlice';

const JUDGE_KEY = 'redesk.reviewJudge';

function review(): ReviewState {
  return getState().bundles.review;
}

function patchReview(p: Partial<ReviewState>): void {
  patch({ review: { ...review(), ...p } });
}

function folder(): string {
  return getState().bundles.scan?.path ?? getState().bundles.path.trim();
}

function failed(e: unknown): void {
  const { code, message } = ApiError.from(e);
  patchReview({ busy: undefined, error: { code, message } });
}

export async function openReview(): Promise<void> {
  const judge = review().judge || (typeof localStorage !== 'undefined' ? (localStorage.getItem(JUDGE_KEY) ?? '') : '');
  patchReview({ status: 'loading', error: undefined, judge });
  try {
    const first = await api.reviewList(folder());
    // Once anyone has revealed, the listing shows who made each bundle.
    const view = first.reveals.length > 0 ? await api.reviewList(folder(), { reveal: true }) : first;
    patchReview({ status: 'ready', view });
  } catch (e) {
    const { code, message } = ApiError.from(e);
    patchReview({ status: 'error', error: { code, message } });
  }
}

export function setJudge(judge: string): void {
  patchReview({ judge });
  try {
    localStorage.setItem(JUDGE_KEY, judge);
  } catch {
    // A page without storage keeps the name for this visit only.
  }
}

export function setDraft(blindId: string, field: 'score' | 'reason', value: string): void {
  const drafts = review().drafts;
  const d = drafts[blindId] ?? { score: '', reason: '' };
  patchReview({ drafts: { ...drafts, [blindId]: { ...d, [field]: value } } });
}

async function record(busy: string, action: Omit<ReviewAction, 'judge'>, clearDraft?: 'score' | 'reason'): Promise<void> {
  patchReview({ busy, error: undefined });
  try {
    const view = await api.reviewRecord(folder(), { ...action, judge: review().judge });
    const drafts = { ...review().drafts };
    if (clearDraft && action.blindId && drafts[action.blindId]) drafts[action.blindId] = { ...drafts[action.blindId]!, [clearDraft]: '' };
    patchReview({ busy: undefined, view, drafts });
  } catch (e) {
    failed(e);
  }
}

export function recordScore(blindId: string): Promise<void> {
  const text = review().drafts[blindId]?.score.trim() ?? '';
  // An empty or unreadable field goes to the host as not-a-number: its refusal says what a score must be.
  const value = text === '' ? Number.NaN : Number(text);
  const reason = review().drafts[blindId]?.reason.trim();
  return record(blindId, { kind: 'score', blindId, value, ...(reason ? { reason } : {}) }, 'score');
}

export function invalidate(blindId: string): Promise<void> {
  return record(blindId, { kind: 'invalidate', blindId, reason: review().drafts[blindId]?.reason ?? '' }, 'reason');
}

export function restore(blindId: string): Promise<void> {
  const reason = review().drafts[blindId]?.reason.trim();
  return record(blindId, { kind: 'restore', blindId, ...(reason ? { reason } : {}) }, 'reason');
}

export function reveal(): Promise<void> {
  const ok = window.confirm('Reveal who made each bundle? This ends the blind phase for every judge of this folder, and is recorded with your name.');
  return ok ? record('reveal', { kind: 'reveal' }) : Promise.resolve();
}

export async function makeJudgeKey(): Promise<void> {
  patchReview({ busy: 'key', error: undefined });
  try {
    const { fingerprint } = await api.reviewKeyCreate();
    const view = review().view;
    patchReview({ busy: undefined, ...(view ? { view: { ...view, judgeKey: fingerprint } } : {}) });
  } catch (e) {
    failed(e);
  }
}

/** Back to the verification table (names shown again); the judge's name is kept. */
export function leaveReview(): void {
  patch({ review: emptyReview(review().judge) });
}
