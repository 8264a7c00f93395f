/** Result bundles: seal an attempt, verify bundles, re-score a submission. DESIGN.md "The bundle". */
export { sealAttempt, type SealOptions, type SealResult } from './sealAttempt';
export { verifyBundleFile, verifyBundles, bundleFiles, flagReusedTickets, type VerifyBundleOptions, type BundleVerdict, type VerifyReport } from './verifyBundle';
export { rescoreBundle, type RescoreOptions, type RescoreResult } from './rescoreBundle';
export { planSubmission, DEFAULT_SUBMISSION, type SubmissionPlan, type SubmissionSpec } from './submission';
