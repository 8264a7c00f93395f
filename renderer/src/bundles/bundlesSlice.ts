/** The Bundles view's slice: the folder being looked at, its bundles' verdicts, and the last report built. */
import type { BundlesReport, BundlesScan } from '../../../main/common/api';
import type { ReviewView } from '../../../main/common/review';

export interface BundlesViewState {
  /** What the path field holds: a folder or file on the host machine. */
  path: string;
  status: 'idle' | 'scanning' | 'ready' | 'error';
  scan: BundlesScan | null;
  error?: { code: string; message: string };
  report: { status: 'idle' | 'building' | 'ready' | 'error'; result?: BundlesReport; error?: { code: string; message: string } };
  /** Set while a replay opened from this view is showing, so Back returns here. */
  replayOpen: boolean;
  review: ReviewState;
}

/** The blind review of the loaded folder: the listing, the judge's name, what each row's fields hold. */
export interface ReviewState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  view?: ReviewView;
  error?: { code: string; message: string };
  judge: string;
  /** What is being recorded now (a blind id, 'reveal' or 'key'); the buttons wait for it. */
  busy?: string;
  drafts: Record<string, { score: string; reason: string }>;
}

export interface BundlesSlice {
  bundles: BundlesViewState;
}

export const emptyReview = (judge = ''): ReviewState => ({ status: 'idle', judge, drafts: {} });

export const bundlesSlice = (): BundlesSlice => ({ bundles: { path: '', status: 'idle', scan: null, report: { status: 'idle' }, replayOpen: false, review: emptyReview() } });
