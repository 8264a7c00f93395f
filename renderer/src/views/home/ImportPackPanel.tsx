import { useState } from 'react';
import type { EnvImportResult } from '../../../../main/common/api';
import { loadEnvs, selectEnv } from '../../actions/home';
import { api } from '../../api/client';
import { ApiError } from '../../api/ApiError';
import { Spinner } from '../../components/Spinner';

type Outcome = { ok: true; result: EnvImportResult } | { ok: false; code: string; message: string; hint?: string };

/**
 * "Import environment pack": the path of a .redeskenv on the host (browser mode cannot hand a host path from a file
 * input), verified and installed by the host; the result or the refusal's code is shown in place.
 */
export function ImportPackPanel() {
  const [path, setPath] = useState('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await api.envImport(path.trim(), replace ? { replace: true } : undefined);
      setOutcome({ ok: true, result });
      await loadEnvs();
      void selectEnv(result.id);
    } catch (e) {
      const err = ApiError.from(e);
      setOutcome({ ok: false, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="import-pack" data-testid="import-pack">
      <h3>Import environment pack</h3>
      <div className="ticket-row">
        <input
          data-testid="import-pack-path"
          type="text"
          placeholder="path to an organizer's .redeskenv on this machine"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && path.trim() && !busy) void run();
          }}
        />
        <button data-testid="import-pack-button" disabled={busy || !path.trim()} onClick={() => void run()}>
          {busy ? <Spinner label="verifying" /> : null} Import environment pack
        </button>
      </div>
      <label className="muted">
        <input type="checkbox" data-testid="import-pack-replace" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> replace an installed
        environment of the same id
      </label>
      {outcome?.ok === true && (
        <p className="ok-text" data-testid="import-pack-result">
          {outcome.result.replaced ? 'Replaced' : 'Installed'} {outcome.result.id}@{outcome.result.version}, signed by {outcome.result.signer.principals.join(', ')}.
          {outcome.result.separateAssets.length > 0 && <> Put these assets in place before a full attempt: {outcome.result.separateAssets.join(', ')}.</>}
        </p>
      )}
      {outcome?.ok === false && (
        <p className="warn-text" data-testid="import-pack-error">
          <code>{outcome.code}</code> {outcome.message}
          {outcome.hint && <span className="muted"> {outcome.hint}</span>}
        </p>
      )}
    </div>
  );
}
