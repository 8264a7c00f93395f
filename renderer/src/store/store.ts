import { create } from 'zustand';
import {
  attemptsSlice,
  connectionSlice,
  currentSlice,
  editorSlice,
  envSlice,
  navSlice,
  policySlice,
  preflightSlice,
  terminalSlice,
  toastSlice,
} from './slices';
import type { StoreState } from './types';
import { replaySlice } from '../replay/replaySlice';
import { bundlesSlice } from '../bundles/bundlesSlice';
import { explorerSlice } from '../explorer/explorerSlice';

/** The one store. Components read it with one selector per value: `useStore((s) => s.attempt)`. */
export const useStore = create<StoreState>()(() => ({
  ...connectionSlice(),
  ...navSlice(),
  ...envSlice(),
  ...preflightSlice(),
  ...policySlice(),
  ...attemptsSlice(),
  ...currentSlice(),
  ...editorSlice(),
  ...terminalSlice(),
  ...toastSlice(),
  ...replaySlice(),
  ...bundlesSlice(),
  ...explorerSlice(),
}));

export const getState = useStore.getState;
export const setState = useStore.setState;

/** Leaving an attempt resets what belonged to it. */
export function resetAttemptSlices(): void {
  setState({ ...currentSlice(), ...editorSlice(), ...terminalSlice() });
}
