import type { KeyObject } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { atomicWrite } from '../store/atomicWrite';
import { verifyBundles } from '../bundle/verifyBundle';
import { attemptsCsv } from './attemptsCsv';
import { reportHtml } from './reportHtml';
import { readReviews } from '../review/reviewLog';
import { reviewState } from '../review/reviewState';
import { collectRuns, type RunRecord } from './runs';
import { summarize, type ReportSummary, type ReviewSummary, type SummarizeOptions } from './summarize';

export interface AggregateOptions extends SummarizeOptions {
  /** Where attempts.csv, summary.json and report.html go (made if missing). */
  outDir: string;
  allowedSigners: string;
  organizerKey?: string | KeyObject;
  tmpDir?: string;
  /** Organizer keys whose review records count; any judge's valid signature counts when absent. */
  judges?: readonly KeyObject[];
}

export interface AggregateResult {
  summary: ReportSummary;
  files: { csv: string; json: string; html: string };
}

/**
 * Verifies every bundle in a folder and writes the organizer's report from those that pass: a bundle that fails
 * is listed with its code and not counted; a reused ticket counts once (the attempt that started first).
 */
export async function aggregateBundles(dir: string, o: AggregateOptions): Promise<AggregateResult> {
  const report = await verifyBundles(dir, { allowedSigners: o.allowedSigners, organizerKey: o.organizerKey, collectScores: true, tmpDir: o.tmpDir, now: o.now });
  const { runs, failures, duplicates } = collectRuns(report.bundles);
  const review = await applyReview(dir, runs, o.judges);
  const summary = summarize(
    runs.filter((r) => !r.invalidated),
    failures,
    duplicates,
    o,
  );
  if (review) {
    summary.review = review;
    summary.bundles.total += review.invalidated.length;
  }
  const out = resolve(o.outDir);
  await mkdir(out, { recursive: true });
  const files = { csv: join(out, 'attempts.csv'), json: join(out, 'summary.json'), html: join(out, 'report.html') };
  await atomicWrite(files.csv, attemptsCsv(runs));
  await atomicWrite(files.json, `${JSON.stringify(summary, null, 2)}\n`);
  await atomicWrite(files.html, reportHtml(summary, runs));
  return { summary, files };
}

/**
 * Reads `<dir>/review.jsonl` when there is one: marks invalidated runs and attaches manual scores (in place), and
 * returns what the report says about the review. Lines that fail their check are ignored and listed.
 */
async function applyReview(dir: string, runs: RunRecord[], judges?: readonly KeyObject[]): Promise<ReviewSummary | undefined> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return undefined;
  const log = await readReviews(dir, judges);
  if (!log.exists) return undefined;
  const state = reviewState(log.records);
  const out: ReviewSummary = { records: log.records.length, invalidLines: log.invalid, reveals: state.reveals, invalidated: [], manualScores: [], history: [] };
  for (const r of runs) {
    const b = r.bundleSha256 ? state.bundles.get(r.bundleSha256) : undefined;
    if (!b) continue;
    const who = { file: r.file, attempt: r.attempt, envId: r.envId, group: r.group };
    if (b.scores.length) {
      r.manual = { scores: b.scores.map(({ judge, fingerprint, value }) => ({ judge, fingerprint, value })), mean: b.manualMean };
      out.manualScores.push({ ...who, ...r.manual });
    }
    if (b.invalidated) {
      r.invalidated = b.invalidated;
      out.invalidated.push({ ...who, ...b.invalidated });
    }
    for (const h of b.history) out.history.push({ file: r.file, attempt: r.attempt, ...h });
  }
  out.history.sort((a, b) => a.t.localeCompare(b.t));
  return out;
}
