import { ApiError } from '../api/ApiError';
import { getState, setState } from '../store/store';
import type { Toast } from '../store/types';

let nextId = 1;
/** Enough to read a sentence; errors stay longer because they usually ask the expert to do something. */
const LIFETIME_MS: Record<Toast['kind'], number> = { info: 5000, warning: 12000, error: 15000 };
/** Older toasts give way so a burst of failures cannot cover the workspace. */
const MAX_TOASTS = 5;

export function pushToast(kind: Toast['kind'], message: string, extra: { code?: string; hint?: string } = {}): number {
  const id = nextId++;
  const toast: Toast = { id, kind, message, ...extra };
  setState({ toasts: [...getState().toasts, toast].slice(-MAX_TOASTS) });
  setTimeout(() => dismissToast(id), LIFETIME_MS[kind]);
  return id;
}

export function dismissToast(id: number): void {
  const toasts = getState().toasts;
  if (toasts.some((t) => t.id === id)) setState({ toasts: toasts.filter((t) => t.id !== id) });
}

/** Shows any API failure with its message and stable code; `doing` says what the expert was trying to do. */
export function reportError(e: unknown, doing?: string): void {
  const err = ApiError.from(e);
  pushToast('error', doing ? `${doing}: ${err.message}` : err.message, { code: err.code, hint: err.hint });
}
