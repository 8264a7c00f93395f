import { useStore } from '../store/store';
import { clearDataset, loadDatasetFile } from './explorerActions';

const SHOWN = 6;

/** A JSON file of pairs `[{clean, corrupt, answers?}]` instead of the typed prompts: its count and first rows. */
export function DatasetLoader() {
  const dataset = useStore((s) => s.explorer.dataset);
  const error = useStore((s) => s.explorer.datasetError);
  return (
    <div className="dataset">
      <div className="dataset-row">
        <span className="muted small">or a dataset of pairs (JSON: [{'{'}clean, corrupt, answers?{'}'}])</span>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="dataset-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void loadDatasetFile(file);
            e.target.value = '';
          }}
        />
        {dataset && (
          <button className="link" data-testid="dataset-clear" onClick={clearDataset}>
            Use the prompts instead
          </button>
        )}
      </div>
      {error && (
        <p className="warn-text small" data-testid="dataset-error">
          {error}
        </p>
      )}
      {dataset && (
        <div data-testid="dataset" data-count={dataset.pairs.length}>
          <p className="small">
            <strong>{dataset.pairs.length}</strong> pair(s) from {dataset.name}
          </p>
          <table className="grid small dataset-table">
            <thead>
              <tr>
                <th>#</th>
                <th>clean</th>
                <th>corrupt</th>
                <th>answers</th>
              </tr>
            </thead>
            <tbody>
              {dataset.pairs.slice(0, SHOWN).map((p, i) => (
                <tr key={i}>
                  <td className="num">{i + 1}</td>
                  <td className="mono ellipsis" title={p.clean}>{p.clean}</td>
                  <td className="mono ellipsis" title={p.corrupt}>{p.corrupt}</td>
                  <td className="mono">{p.answers ? p.answers.join(' / ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {dataset.pairs.length > SHOWN && <p className="muted small">… and {dataset.pairs.length - SHOWN} more</p>}
        </div>
      )}
    </div>
  );
}
