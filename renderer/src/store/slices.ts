/**
 * Initial values of each slice. Slices hold plain data only; what changes them lives in src/actions, called by
 * components and by the event wiring alike, so the store stays a passive, inspectable snapshot.
 */
import type {
  AttemptsSlice,
  ConnectionSlice,
  CurrentSlice,
  EditorSlice,
  EnvSlice,
  NavSlice,
  PolicySlice,
  PreflightSlice,
  TerminalSlice,
  ToastSlice,
} from './types';
import { INSTRUCTIONS_TAB } from './types';

export const connectionSlice = (): ConnectionSlice => ({
  connection: { status: 'connecting', failures: 0, everOpened: false },
});

export const navSlice = (): NavSlice => ({ view: { kind: 'home' } });

export const envSlice = (): EnvSlice => ({ envs: null, selectedEnvId: null, selectedVariant: {} });

export const preflightSlice = (): PreflightSlice => ({ preflight: {}, preflightLoading: {} });

export const policySlice = (): PolicySlice => ({ policies: {} });

export const attemptsSlice = (): AttemptsSlice => ({ attempts: null });

export const currentSlice = (): CurrentSlice => ({
  attempt: null,
  attemptReceivedAt: 0,
  envDetail: null,
  files: [],
  scoring: false,
  submitting: false,
  starting: false,
});

export const editorSlice = (): EditorSlice => ({ tabs: [], activeTab: INSTRUCTIONS_TAB });

export const terminalSlice = (): TerminalSlice => ({ terminals: [], activeTerminal: 0, nextTerminalN: 1 });

export const toastSlice = (): ToastSlice => ({ toasts: [] });
