import type { KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { atomicWrite } from '../store/atomicWrite';
import { verifyBundles } from '../bundle/verifyBundle';
import { attemptsCsv } from './attemptsCsv';
import { reportHtml } from './reportHtml';
import { collectRuns } from './runs';
import { summarize, type ReportSummary, type SummarizeOptions } from './summarize';

export interface AggregateOptions extends SummarizeOptions {
  /** Where attempts.csv, summary.json and report.html go (made if missing). */
  outDir: string;
  allowedSigners: string;
  organizerKey?: string | KeyObject;
  tmpDir?: string;
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
  const summary = summarize(runs, failures, duplicates, o);
  const out = resolve(o.outDir);
  await mkdir(out, { recursive: true });
  const files = { csv: join(out, 'attempts.csv'), json: join(out, 'summary.json'), html: join(out, 'report.html') };
  await atomicWrite(files.csv, attemptsCsv(runs));
  await atomicWrite(files.json, `${JSON.stringify(summary, null, 2)}\n`);
  await atomicWrite(files.html, reportHtml(summary, runs));
  return { summary, files };
}
