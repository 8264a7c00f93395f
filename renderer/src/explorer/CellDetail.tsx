import type { SweepResult } from '../../../main/common/patching/types';
import { formatMetric, formatShare } from './format';
import { cellHasIndirectRoutes, cellPath, formatPath, parseNode, samePath, type ModelShape } from './paths';
import { addPath, showHead } from './runActions';

/** Shows a head's pattern in the attention viewer, and brings the viewer into sight. */
function AttentionLink({ name }: { name: string }) {
  const node = parseNode(name);
  if (node?.kind !== 'head') return null;
  return (
    <button
      className="link"
      data-testid={`show-attention-${name}`}
      onClick={() => {
        showHead(node.layer, node.head);
        document.querySelector('[data-testid="attention"]')?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
      }}
    >
      L{node.layer}H{node.head} attention
    </button>
  );
}

/** One sweep cell: the path it measured, the metric on the three runs, its share of the total effect. */
export function CellDetail({ result, cell, paths, shape }: { result: SweepResult; cell: { row: number; col: number } | null; paths: string[][]; shape: ModelShape | null }) {
  if (!cell) return <p className="muted cell-detail">Click a cell (or focus the heatmap and use the arrow keys) to see its path.</p>;
  const sender = result.senders[cell.row]!;
  const receiver = result.receivers[cell.col]!;
  const patched = result.cells[cell.row]?.[cell.col] ?? null;
  const effect = result.effects[cell.row]?.[cell.col] ?? null;
  const path = cellPath(sender, receiver);
  const inHypothesis = paths.some((p) => samePath(p, path));
  return (
    <div className="cell-detail" data-testid="cell-detail" data-sender={sender} data-receiver={receiver}>
      <h3>
        <code data-testid="cell-detail-sender">{sender}</code> → <code data-testid="cell-detail-receiver">{receiver}</code>
      </h3>
      {patched === null ? (
        <p className="muted">{receiver} is not downstream of {sender}: no path to patch.</p>
      ) : (
        <>
          <table className="detail-table">
            <tbody>
              <tr>
                <th>metric, clean</th>
                <td className="num">{formatMetric(result.clean)}</td>
              </tr>
              <tr>
                <th>metric, corrupt</th>
                <td className="num">{formatMetric(result.corrupt)}</td>
              </tr>
              <tr>
                <th>metric, path patched</th>
                <td className="num" data-testid="cell-detail-patched">
                  {formatMetric(patched)}
                </td>
              </tr>
              <tr>
                <th>share of total effect</th>
                <td className="num strong" data-testid="cell-detail-effect">
                  {formatShare(effect)}
                </td>
              </tr>
            </tbody>
          </table>
          <p className="small muted">
            path <code>{formatPath(path)}</code>
            {shape && cellHasIndirectRoutes(sender, receiver, shape) && (
              <>
                <br />
                The cell also counts the routes through other nodes into {sender} and from {receiver} on to the logits; the button adds the direct path only.
              </>
            )}
          </p>
          <div className="run-row small">
            <AttentionLink name={sender} />
            <AttentionLink name={receiver.replace(/\.[qkv]$/, '')} />
          </div>
          <button data-testid="cell-detail-add" disabled={inHypothesis} onClick={() => addPath(path)}>
            {inHypothesis ? 'In the hypothesis' : 'Add path to hypothesis'}
          </button>
        </>
      )}
    </div>
  );
}
