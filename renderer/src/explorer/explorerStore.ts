/** Reading and updating the explorer's slice of the one store, and API failures as the slice keeps them. */
import { ApiError } from '../api/ApiError';
import { getState, setState } from '../store/store';
import type { ErrorInfo, ExplorerState } from './explorerSlice';

export function patchExplorer(p: Partial<ExplorerState>): void {
  setState({ explorer: { ...getState().explorer, ...p } });
}

export function explorer(): ExplorerState {
  return getState().explorer;
}

export function errorInfo(e: unknown): ErrorInfo {
  const { code, message } = ApiError.from(e);
  return { code, message };
}
