/**
 * What the replay view does: open an attempt's trajectory, seek, play, search, leave. One replay at a time; its
 * player (xterm and Monaco state) lives here, outside React and outside the store.
 */
import { api } from '../api/client';
import { ApiError } from '../api/ApiError';
import { goHome } from '../actions/home';
import { returnFromReplay } from '../bundles/bundlesActions';
import { writeHash } from '../lib/hashRoute';
import { getState, setState } from '../store/store';
import { ReplayPlayer } from './ReplayPlayer';
import { initialReplayState, type ReplayViewState } from './replaySlice';

let player: ReplayPlayer | null = null;

export function currentPlayer(): ReplayPlayer | null {
  return player;
}

function patch(p: Partial<ReplayViewState>): void {
  const cur = getState().replay;
  if (cur) setState({ replay: { ...cur, ...p } });
}

/** The `#/replay/<attemptId>` route. */
export function replayIdFromHash(): string | null {
  const m = /^#\/replay\/([^/]+)$/.exec(window.location.hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

export async function openReplayView(attemptId: string): Promise<void> {
  disposePlayer();
  setState({ view: { kind: 'replay', attemptId }, replay: initialReplayState(attemptId) });
  writeHash(`#/replay/${encodeURIComponent(attemptId)}`);
  try {
    const info = await api.replayOpen(attemptId);
    if (getState().replay?.attemptId !== attemptId) {
      void api.replayClose(info.replayId).catch(() => undefined);
      return;
    }
    player = new ReplayPlayer(info, {
      onTime: (t, playing) => patch({ t, playing }),
      onLayout: syncLayout,
      onKeys: (keys) => patch({ keys: [...keys] }),
      onFocus: follow,
      onError: (e) => {
        const { code, message } = ApiError.from(e);
        patch({ error: { code, message } });
      },
    });
    patch({ status: 'ready', info, t: 0 });
    await player.seek(0);
  } catch (e) {
    const { code, message } = ApiError.from(e);
    patch({ status: 'error', error: { code, message } });
  }
}

export function closeReplay(): void {
  disposePlayer();
  setState({ replay: null });
  if (!returnFromReplay()) goHome();
}

function disposePlayer(): void {
  if (!player) return;
  const id = player.info.replayId;
  player.dispose();
  player = null;
  void api.replayClose(id).catch(() => undefined);
}

export function seek(t: number): void {
  if (!player) return;
  patch({ t });
  void player.seek(t);
}

export function togglePlay(): void {
  if (!player) return;
  if (player.playing) player.pause();
  else player.play();
}

export function setSpeed(speed: number): void {
  player?.setSpeed(speed);
  patch({ speed });
}

export function showTerminal(ptyId: string): void {
  patch({ activePty: ptyId });
}

export function showFile(path: string): void {
  patch({ activeFile: path });
}

export async function search(query: string, regex: boolean): Promise<void> {
  const r = getState().replay;
  if (!player || !r) return;
  if (!query) {
    patch({ search: { query, regex, hits: null, busy: false } });
    return;
  }
  patch({ search: { ...r.search, query, regex, busy: true, error: undefined } });
  try {
    const hits = await api.replaySearch(player.info.replayId, query, { regex, limit: 500 });
    patch({ search: { query, regex, hits, busy: false } });
  } catch (e) {
    patch({ search: { query, regex, hits: null, busy: false, error: ApiError.from(e).message } });
  }
}

/** A hit: seek to it and show the terminal or file it is in. */
export function jumpTo(hit: { t: number; ptyId?: string; path?: string }): void {
  if (hit.ptyId) patch({ activePty: hit.ptyId });
  if (hit.path) patch({ activeFile: hit.path });
  seek(hit.t);
}

/** Terminals and files at the playhead, for the tabs; the active ones stay if they still exist. */
function syncLayout(): void {
  if (!player) return;
  const r = getState().replay;
  if (!r) return;
  const terminals = [...player.panes.terms.values()].map((t) => ({ ptyId: t.ptyId, exited: t.exited }));
  const files = [...player.panes.files.values()].map((f) => ({ path: f.path, known: f.known })).sort((a, b) => a.path.localeCompare(b.path));
  const activePty = terminals.some((t) => t.ptyId === r.activePty) ? r.activePty : (terminals[0]?.ptyId ?? null);
  const activeFile = files.some((f) => f.path === r.activeFile) ? r.activeFile : (files[0]?.path ?? null);
  patch({ terminals, files, activePty, activeFile });
}

/** Follows the expert: the terminal they type into, the file they edit. */
function follow(focus: { ptyId?: string; path?: string }): void {
  const r = getState().replay;
  if (!r) return;
  if (focus.ptyId && focus.ptyId !== r.activePty && r.terminals.some((t) => t.ptyId === focus.ptyId)) patch({ activePty: focus.ptyId });
  if (focus.path && focus.path !== r.activeFile) patch({ activeFile: focus.path });
}
