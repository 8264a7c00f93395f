/** Blind review of bundles: signed, append-only review.jsonl beside them; manual scores, invalidations, reveals. */
export { REVIEW_NAMESPACE, ALL_BUNDLES, signReview, parseReviewLine, signedText, type ReviewRecord, type ReviewKind, type Judge } from './reviewRecord';
export { REVIEW_FILE, appendReview, readReviews, type AppendReview, type ReviewLogRead } from './reviewLog';
export { blindId, reviewSalt, SALT_FILE } from './blindId';
export { reviewState, type ReviewState } from './reviewState';
export { listForReview, bundleOfBlindId, type ReviewListOptions } from './reviewBundles';
export type { BundleReview, ManualScore, Invalidation, ReviewLine, ReviewListing, ReviewRow } from '../../common/review';
