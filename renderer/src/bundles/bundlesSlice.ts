/** The Bundles view's slice: the folder being looked at, its bundles' verdicts, and the last report built. */
import type { BundlesReport, BundlesScan } from '../../../main/common/api';

export interface BundlesViewState {
  /** What the path field holds: a folder or file on the host machine. */
  path: string;
  status: 'idle' | 'scanning' | 'ready' | 'error';
  scan: BundlesScan | null;
  error?: { code: string; message: string };
  report: { status: 'idle' | 'building' | 'ready' | 'error'; result?: BundlesReport; error?: { code: string; message: string } };
  /** Set while a replay opened from this view is showing, so Back returns here. */
  replayOpen: boolean;
}

export interface BundlesSlice {
  bundles: BundlesViewState;
}

export const bundlesSlice = (): BundlesSlice => ({ bundles: { path: '', status: 'idle', scan: null, report: { status: 'idle' }, replayOpen: false } });
