import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { RedeskError } from '../../common/errors';
import { defaultDataDir } from '../../node/appPaths';
import { loadKey } from '../../node/keys/keyStore';
import { toPublicKey } from '../../node/keys/openssh';
import { ALL_BUNDLES, appendReview, bundleOfBlindId, listForReview, type ReviewKind, type ReviewListing, type ReviewListOptions } from '../../node/review';
import { fail, fmtScore, print } from '../output';

interface Common {
  allowedSigners?: string;
  organizerKey?: string;
  dataDir?: string;
  json?: boolean;
}

interface Judged extends Common {
  judge: string;
}

/**
 * `redesk review`: blind review of a folder of bundles. Records go to `<dir>/review.jsonl`, append-only, each
 * signed by the judge's organizer key (`redesk keys init --role organizer`); `aggregate` reads them.
 */
export function registerReviewCommands(program: Command): void {
  const review = program.command('review').description('blind review of a folder of bundles: manual scores, invalidations, reveal');
  const common = (c: Command) =>
    c
      .option('--allowed-signers <file>', 'OpenSSH allowed_signers: the expert keys you accept (default: any signer, named by fingerprint)')
      .option('--organizer-key <file>', 'the organizer public key tickets must be signed by')
      .option('--data-dir <dir>', "where the judge's organizer key is (default: the OS app-data folder)")
      .option('--json', 'print JSON');

  common(review.command('list <dir>').description('the bundles under blind ids, with verification, scores, manual scores and invalidations'))
    .option('--reveal', 'show who made each attempt (human or agent, expert, file); only after `review reveal` recorded it')
    .action(async (dir: string, o: Common & { reveal?: boolean }) => {
      try {
        const l = await listForReview(dir, { ...(await verifyOptions(o)), ...(o.reveal ? { reveal: true } : {}) });
        print(!!o.json, l, () => describeListing(l));
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  common(review.command('score <dir> <blind-id> <value>').description("record a judge's manual score for a bundle (a later score by the same judge replaces it in the report)"))
    .requiredOption('--judge <name>', 'your name, recorded with your organizer key fingerprint')
    .option('--note <text>', 'why this score')
    .action(async (dir: string, id: string, value: string, o: Judged & { note?: string }) => {
      try {
        const v = Number(value);
        if (value.trim() === '' || !Number.isFinite(v)) throw new RedeskError('BAD_REQUEST', `The score must be a number, not ${JSON.stringify(value)}.`);
        await record(dir, id, 'score', o, { value: v, ...(o.note ? { reason: o.note } : {}) });
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  common(review.command('invalidate <dir> <blind-id>').description('invalidate a bundle with a reason: it leaves the statistics and is listed in the report (kept, never deleted)'))
    .requiredOption('--reason <text>', 'why it does not count')
    .requiredOption('--judge <name>', 'your name, recorded with your organizer key fingerprint')
    .action(async (dir: string, id: string, o: Judged & { reason: string }) => {
      try {
        if (!o.reason.trim()) throw new RedeskError('BAD_REQUEST', 'An invalidation needs a reason.');
        await record(dir, id, 'invalidate', o, { reason: o.reason });
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  common(review.command('restore <dir> <blind-id>').description('undo an invalidation (both stay in review.jsonl)'))
    .requiredOption('--judge <name>', 'your name, recorded with your organizer key fingerprint')
    .option('--reason <text>', 'why it counts after all')
    .action(async (dir: string, id: string, o: Judged & { reason?: string }) => {
      try {
        await record(dir, id, 'restore', o, o.reason ? { reason: o.reason } : {});
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  common(review.command('reveal <dir>').description('end the blind phase: records who revealed, then `review list --reveal` shows identities'))
    .requiredOption('--judge <name>', 'your name, recorded with your organizer key fingerprint')
    .action(async (dir: string, o: Judged) => {
      try {
        const key = await loadKey(o.dataDir ?? defaultDataDir(), 'organizer');
        const r = await appendReview(dir, { judge: { name: o.judge, key }, bundle: ALL_BUNDLES, kind: 'reveal' });
        print(!!o.json, r, () => `revealed by ${o.judge} (${key.fingerprint}) at ${r.t}; run \`redesk review list ${dir} --reveal\``);
      } catch (e) {
        fail(e, !!o.json);
      }
    });
}

async function verifyOptions(o: Common): Promise<ReviewListOptions> {
  return {
    ...(o.allowedSigners ? { allowedSigners: o.allowedSigners } : { trustAnySigner: true }),
    ...(o.organizerKey ? { organizerKey: toPublicKey((existsSync(o.organizerKey) ? await readFile(o.organizerKey, 'utf8') : o.organizerKey).trim()) } : {}),
  };
}

async function record(dir: string, id: string, kind: ReviewKind, o: Judged, extra: { value?: number; reason?: string }): Promise<void> {
  const key = await loadKey(o.dataDir ?? defaultDataDir(), 'organizer');
  const bundle = bundleOfBlindId(await listForReview(dir, await verifyOptions(o)), id);
  const r = await appendReview(dir, { judge: { name: o.judge, key }, bundle, kind, ...extra });
  print(!!o.json, r, () => `${kind} ${id}${extra.value !== undefined ? ` = ${extra.value}` : ''}${extra.reason ? ` (${extra.reason})` : ''} by ${o.judge} (${key.fingerprint})`);
}

function describeListing(l: ReviewListing): string {
  const lines = [l.blind ? `${l.rows.length} bundle(s), blind` : `${l.rows.length} bundle(s), revealed by ${l.reveals.map((r) => `${r.judge} at ${r.t}`).join(', ')}`];
  for (const r of l.rows) {
    const manual = r.review.scores.length ? `  manual ${fmtScore(r.review.manualMean)} (${r.review.scores.map((s) => `${s.judge} ${s.value}`).join(', ')})` : '';
    lines.push(`${r.blindId}  ${r.ok ? 'ok  ' : `FAIL ${r.code}`}  ${r.envId ?? '?'}  final ${fmtScore(r.final)}  normalized ${fmtScore(r.normalized)}${manual}`);
    if (r.review.invalidated) lines.push(`  INVALIDATED by ${r.review.invalidated.judge}: ${r.review.invalidated.reason}`);
    if (r.identity) lines.push(`  ${r.identity.group}${r.identity.agent ? ` ${r.identity.agent}` : ''}  expert ${r.identity.expert}  ${r.identity.file}`);
    if (!l.blind && !r.ok) lines.push(`  ${r.message}`);
  }
  for (const b of l.invalidLines) lines.push(`warning: review.jsonl line ${b.line} is ignored: ${b.code}: ${b.message}`);
  return lines.join('\n');
}
