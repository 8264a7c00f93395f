import type { RedeskApi } from '../../common/api';
import { RedeskError } from '../../common/errors';
import type { ReviewAction, ReviewView } from '../../common/review';
import { absolute, allowedSignersFor, folderOf } from '../bundle/bundlesApi';
import { loadKey, loadOrCreateKey } from '../keys/keyStore';
import { appendReview, bundleOfBlindId, listForReview, ALL_BUNDLES } from './index';

export type ReviewApi = Pick<RedeskApi, 'reviewList' | 'reviewRecord' | 'reviewKeyCreate'>;

const KINDS = new Set(['score', 'invalidate', 'restore', 'reveal']);

/**
 * The Bundles view's blind review: the same listing and signed records as `redesk review`, in the folder's
 * review.jsonl, signed with the organizer key of the host's data folder (the judge's key).
 */
export function reviewApi(o: { dataDir: string }): ReviewApi {
  const judgeKey = async () => {
    try {
      return await loadKey(o.dataDir, 'organizer');
    } catch (e) {
      if ((e as { code?: string }).code === 'KEY_NOT_FOUND') return null;
      throw e;
    }
  };
  const list = async (path: string, reveal: boolean): Promise<ReviewView> => {
    const folder = await folderOf(absolute(o.dataDir, path));
    const signers = allowedSignersFor(o.dataDir, folder);
    const listing = await listForReview(folder, { ...(signers ? { allowedSigners: signers } : { trustAnySigner: true }), ...(reveal ? { reveal: true } : {}) });
    const key = await judgeKey();
    return { ...listing, judgeKey: key ? key.fingerprint : null, ...(signers ? { allowedSigners: signers } : {}) };
  };
  return {
    reviewList: (path, opts) => list(path, !!opts?.reveal),
    reviewRecord: async (path, action) => {
      const a = checkAction(action);
      const key = await judgeKey();
      if (!key) {
        throw new RedeskError('KEY_NOT_FOUND', `Review records are signed with an organizer key, and there is none in ${o.dataDir}.`, {
          hint: 'Make one here (Make a judge key), or with `redesk keys init --role organizer`.',
        });
      }
      const current = await list(path, false);
      const bundle = a.kind === 'reveal' ? ALL_BUNDLES : bundleOfBlindId(current, a.blindId!);
      await appendReview(current.dir, {
        judge: { name: a.judge, key },
        bundle,
        kind: a.kind,
        ...(a.value !== undefined ? { value: a.value } : {}),
        ...(a.reason ? { reason: a.reason } : {}),
      });
      return list(path, a.kind === 'reveal' || current.reveals.length > 0);
    },
    reviewKeyCreate: async () => ({ fingerprint: (await loadOrCreateKey(o.dataDir, 'organizer')).fingerprint }),
  };
}

function checkAction(a: ReviewAction): ReviewAction {
  const bad = (message: string, where: string) => new RedeskError('BAD_REQUEST', message, { where });
  if (!a || !KINDS.has(a.kind)) throw bad('A review action is one of score, invalidate, restore, reveal.', 'kind');
  if (typeof a.judge !== 'string' || !a.judge.trim()) throw bad('Who is judging? Records carry the judge\'s name beside the key.', 'judge');
  if (a.kind !== 'reveal' && (typeof a.blindId !== 'string' || !a.blindId)) throw bad('Which bundle? Give its blind id.', 'blindId');
  if (a.kind === 'score' && (typeof a.value !== 'number' || !Number.isFinite(a.value))) throw bad('A manual score is a number.', 'value');
  if (a.kind === 'invalidate' && (typeof a.reason !== 'string' || !a.reason.trim())) throw bad('An invalidation needs a reason.', 'reason');
  return { ...a, judge: a.judge.trim(), ...(a.reason !== undefined ? { reason: a.reason.trim() } : {}) };
}
