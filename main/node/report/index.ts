/** The organizer's report: verify a folder of bundles, then tables, score@k, bootstrap intervals, curves. */
export { aggregateBundles, type AggregateOptions, type AggregateResult } from './aggregateBundles';
export { summarize, REPORT_FORMAT, DEFAULTS as REPORT_DEFAULTS, type ReportSummary, type SummarizeOptions, type EnvSummary, type GroupSummary } from './summarize';
export { collectRuns, type RunRecord, type Group, type ReportFailure, type ReportDuplicate } from './runs';
export { bestOfK, bestOfKWeights, scoreAtK, ScoreAtK, bootstrap, quantile } from './stats';
export { seededRandom } from '../../common/seededRandom';
export { scoreAt } from './scoreCurve';
