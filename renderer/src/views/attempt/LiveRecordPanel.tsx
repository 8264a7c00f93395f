import { useEffect, useState } from 'react';
import type { EventRecord } from '../../../../main/common/events/record';
import { api } from '../../api/client';
import { LiveTail } from '../../recording/LiveTail';
import { summarize } from '../../recording/summarize';
import { formatClock } from '../../lib/time';

/** Once a second: the panel is for reading, not for watching every byte scroll past. */
const POLL_MS = 1000;

/**
 * The live record, so the expert sees exactly what is kept: the newest records of the log, newest first, polled
 * only while the panel is open. Records live in this component's state, not the store.
 */
export function LiveRecordPanel({ attemptId }: { attemptId: string }) {
  const [open, setOpen] = useState(false);
  const [records, setRecords] = useState<EventRecord[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    const live = new LiveTail({ status: () => api.logStatus(attemptId), tail: (afterSeq, limit) => api.logTail(attemptId, { afterSeq, limit }) });
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        if (await live.poll()) setRecords(live.records);
        setError(null);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [open, attemptId]);

  return (
    <section className={`live-record${open ? ' open' : ''}`} data-testid="live-record">
      <button className="pane-title live-record-toggle" data-testid="live-record-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span>Live record</span>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      {open && (
        <div className="live-record-body">
          {error && <p className="warn-text small pad">Could not read the record: {error}</p>}
          {!error && records.length === 0 && <p className="muted small pad">Nothing recorded yet.</p>}
          {/* Two lines per record: the pane is narrow, and the summary is what the expert reads. */}
          <ol className="live-record-list">
            {[...records].reverse().map((r) => {
              const summary = summarize(r);
              return (
                <li key={r.seq} data-testid="live-record-row" data-kind={r.kind}>
                  <div className="live-record-head">
                    <span className="muted">#{r.seq}</span>
                    <span className="muted">{formatClock(r.t)}</span>
                    <span className="kind">{r.kind}</span>
                  </div>
                  {summary && (
                    <div className="live-record-summary" title={summary}>
                      {summary}
                    </div>
                  )}
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </section>
  );
}
