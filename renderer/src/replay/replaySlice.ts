/**
 * The replay view's slice: what the panes show at the playhead, low-frequency only (the playhead moves the store a
 * few times a second; terminal bytes and editor edits go straight to xterm and Monaco, never through here).
 */
import type { ReplayHit, ReplayInfo } from '../../../main/common/api';

export interface ReplaySearchState {
  query: string;
  regex: boolean;
  hits: ReplayHit[] | null;
  busy: boolean;
  error?: string;
}

export interface ReplayViewState {
  attemptId: string;
  status: 'opening' | 'ready' | 'error';
  error?: { code: string; message: string };
  info: ReplayInfo | null;
  /** The playhead, in attempt ms. */
  t: number;
  playing: boolean;
  speed: number;
  /** Terminals that exist at the playhead, in the order they opened. */
  terminals: { ptyId: string; exited: boolean }[];
  activePty: string | null;
  /** Files known at the playhead; `known` is false where the log does not say their text. */
  files: { path: string; known: boolean }[];
  activeFile: string | null;
  /** Keys typed in the last seconds before the playhead. */
  keys: { t: number; text: string }[];
  search: ReplaySearchState;
}

export interface ReplaySlice {
  replay: ReplayViewState | null;
}

export const replaySlice = (): ReplaySlice => ({ replay: null });

export const SPEEDS = [1, 2, 4, 8, 16, 32, 64] as const;

export function initialReplayState(attemptId: string): ReplayViewState {
  return {
    attemptId,
    status: 'opening',
    info: null,
    t: 0,
    playing: false,
    speed: 1,
    terminals: [],
    activePty: null,
    files: [],
    activeFile: null,
    keys: [],
    search: { query: '', regex: false, hits: null, busy: false },
  };
}
