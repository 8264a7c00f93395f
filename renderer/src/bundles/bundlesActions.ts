/** What the Bundles view does: scan a folder of bundles on the host, open one in replay, build the report. */
import { api } from '../api/client';
import { ApiError } from '../api/ApiError';
import { writeHash } from '../lib/hashRoute';
import { openReplayView } from '../replay/replayActions';
import { getState, setState } from '../store/store';
import { emptyReview, type BundlesViewState } from './bundlesSlice';

export function patch(p: Partial<BundlesViewState>): void {
  setState({ bundles: { ...getState().bundles, ...p } });
}

export function openBundlesView(): void {
  setState({ view: { kind: 'bundles' } });
  patch({ replayOpen: false });
  writeHash('#/bundles');
}

export function setBundlesPath(path: string): void {
  patch({ path });
}

export async function scanBundles(): Promise<void> {
  const path = getState().bundles.path.trim();
  if (!path) return;
  patch({ status: 'scanning', error: undefined, report: { status: 'idle' }, review: emptyReview(getState().bundles.review.judge) });
  try {
    const scan = await api.bundlesScan(path);
    patch({ status: 'ready', scan });
  } catch (e) {
    const { code, message } = ApiError.from(e);
    patch({ status: 'error', scan: null, error: { code, message } });
  }
}

export async function buildReport(): Promise<void> {
  const path = getState().bundles.scan?.path ?? getState().bundles.path.trim();
  if (!path) return;
  patch({ report: { status: 'building' } });
  try {
    const result = await api.bundlesReport(path);
    patch({ report: { status: 'ready', result } });
  } catch (e) {
    const { code, message } = ApiError.from(e);
    patch({ report: { status: 'error', error: { code, message } } });
  }
}

/** Replays a bundle in the replay view (the host verifies and unpacks it); Back comes back here. */
export function openBundleReplay(file: string): void {
  patch({ replayOpen: true });
  void openReplayView(file);
}

/** Called by the replay view's Back: true when it should return here rather than home. */
export function returnFromReplay(): boolean {
  if (!getState().bundles.replayOpen) return false;
  openBundlesView();
  return true;
}

export function bundlesFromHash(): boolean {
  return window.location.hash === '#/bundles';
}

/** Trusts a bundle's signer under a name the organizer types: appended to allowed_signers, then the folder is scanned again. */
export async function acceptSigner(file: string): Promise<void> {
  const path = getState().bundles.scan?.path;
  if (!path) return;
  const name = window.prompt('Name this expert in allowed_signers (letters, digits and . _ @ + -), e.g. alice@lab');
  if (!name) return;
  patch({ error: undefined });
  try {
    const scan = await api.bundlesAcceptSigner(path, file, name.trim());
    patch({ status: 'ready', scan, report: { status: 'idle' } });
  } catch (e) {
    const { code, message } = ApiError.from(e);
    patch({ status: 'error', error: { code, message } });
  }
}
