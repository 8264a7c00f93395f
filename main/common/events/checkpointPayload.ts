import { canonicalJson } from './canonicalJson';
import { CHECKPOINT_NAMESPACE, type Checkpoint } from './record';

/**
 * The exact text a checkpoint's signature covers: the canonical JSON of
 * `{attempt, head, ns, seq, t, wall}`. `attempt` binds the checkpoint to one attempt's log (a checkpoint copied
 * from another attempt fails); `ns` keeps the expert key's checkpoint signatures apart from anything else it signs.
 */
export function checkpointSigningText(cp: Omit<Checkpoint, 'sig'>, attempt: string): string {
  return canonicalJson({ attempt, head: cp.head, ns: CHECKPOINT_NAMESPACE, seq: cp.seq, t: cp.t, wall: cp.wall });
}
