/**
 * When a recordEvents call is lost with the connection, the host may or may not have written the batch. Rather than
 * send it again blindly (an `editor.change` applied twice breaks replay), the recorder reads the records written
 * since it sent and counts how much of the batch is there.
 */
import type { ClientEvent } from '../../../main/common/api';
import { canonicalJson } from '../../../main/common/events/canonicalJson';
import type { EventRecord } from '../../../main/common/events/record';

function same(r: EventRecord, e: ClientEvent): boolean {
  return r.src === e.src && r.kind === e.kind && canonicalJson(r.data) === canonicalJson(e.data);
}

/**
 * How many of `batch`'s events, from its first, are among `records` (the log after the seq known when the batch
 * went out), in order. Records from other sources (terminal output written meanwhile) may sit between them. A record
 * the host changed (a secret redacted) does not match, so that batch is sent again: a duplicate beats a loss.
 */
export function landedCount(batch: readonly ClientEvent[], records: readonly EventRecord[]): number {
  if (batch.length === 0) return 0;
  const start = records.findIndex((r) => same(r, batch[0]!));
  if (start < 0) return 0;
  let n = 1;
  for (let i = start + 1; i < records.length && n < batch.length; i++) {
    const r = records[i]!;
    if (r.src !== 'editor' && r.src !== 'app') continue;
    if (!same(r, batch[n]!)) break;
    n++;
  }
  return n;
}
