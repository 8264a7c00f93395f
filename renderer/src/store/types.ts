import type { EnvDetail, EnvSummary, FileEntry, RecordingPolicy } from '../../../main/common/api';
import type { AttemptInfo, AttemptSummary, PreflightReport } from '../../../main/common/attempt';
import type { ConnectionState } from '../api/WsRpc';
import type { BundlesSlice } from '../bundles/bundlesSlice';
import type { ExplorerSlice } from '../explorer/explorerSlice';
import type { ReplaySlice } from '../replay/replaySlice';

export type View = { kind: 'home' } | { kind: 'attempt'; attemptId: string } | { kind: 'replay'; attemptId: string } | { kind: 'bundles' } | { kind: 'explorer' };

export interface Toast {
  id: number;
  kind: 'error' | 'warning' | 'info';
  message: string;
  code?: string;
  hint?: string;
}

export interface EditorTab {
  path: string;
  /** The buffer differs from what was last read from or written to disk. */
  dirty: boolean;
  /**
   * How the disk relates to the buffer: `changed` while the buffer was dirty, or `deleted` (removed or moved away);
   * either way the expert chooses, nothing is overwritten silently.
   */
  disk: 'same' | 'changed' | 'deleted';
}

export interface TerminalTab {
  /** 1-based, stable for the tab's life; used in test ids. */
  n: number;
  ptyId?: string;
  exitCode?: number;
}

/** The tab that shows the environment's instructions rather than a file. */
export const INSTRUCTIONS_TAB = '\u0000instructions';

export interface ConnectionSlice {
  connection: ConnectionState;
}

export interface NavSlice {
  view: View;
}

export interface EnvSlice {
  envs: EnvSummary[] | null;
  selectedEnvId: string | null;
  /** The variant chosen per environment (absent: its default). */
  selectedVariant: Record<string, string>;
}

export interface PreflightSlice {
  preflight: Record<string, PreflightReport>;
  preflightLoading: Record<string, boolean>;
}

/** What each environment's attempts record, shown before Start; an error when the host could not say. */
export interface PolicySlice {
  policies: Record<string, RecordingPolicy | { error: { code: string; message: string } }>;
}

export interface AttemptsSlice {
  attempts: AttemptSummary[] | null;
}

export interface CurrentSlice {
  attempt: AttemptInfo | null;
  /** Renderer time (Date.now) when `attempt` arrived: the clock extrapolates from it. */
  attemptReceivedAt: number;
  envDetail: EnvDetail | null;
  files: FileEntry[];
  scoring: boolean;
  submitting: boolean;
  starting: boolean;
}

export interface EditorSlice {
  tabs: EditorTab[];
  activeTab: string;
}

export interface TerminalSlice {
  terminals: TerminalTab[];
  activeTerminal: number;
  nextTerminalN: number;
}

export interface ToastSlice {
  toasts: Toast[];
}

export type StoreState = ConnectionSlice &
  NavSlice &
  EnvSlice &
  PreflightSlice &
  PolicySlice &
  AttemptsSlice &
  CurrentSlice &
  EditorSlice &
  TerminalSlice &
  ToastSlice &
  ReplaySlice &
  BundlesSlice &
  ExplorerSlice;
