import type { BundlesScan } from '../../../main/common/api';
import { goHome } from '../actions/home';
import { formatNormalized, formatRaw } from '../lib/numbers';
import { useStore } from '../store/store';
import { acceptSigner, buildReport, openBundleReplay, scanBundles, setBundlesPath } from './bundlesActions';
import { ReviewPanel } from './ReviewPanel';
import './bundles.css';

/** The organizer's bundles: verify a folder of .redesk files on the host, replay one, build the report. */
export function BundlesView() {
  const b = useStore((s) => s.bundles);
  const scan = b.scan;
  // While reviewing blind, the table that names files, signers and humans or agents is not shown.
  const blind = b.review.status !== 'idle' && b.review.view?.blind !== false;
  return (
    <div className="bundles" data-testid="bundles-view">
      <header className="topbar">
        <span className="brand">redesk</span>
        <span className="muted">bundles</span>
        <span className="spacer" />
        <button onClick={goHome}>Home</button>
      </header>
      <main className="bundles-main">
        <form
          className="bundles-form"
          onSubmit={(e) => {
            e.preventDefault();
            void scanBundles();
          }}
        >
          <label htmlFor="bundles-path">Folder of bundles, or one .redesk file, on the host machine</label>
          <div className="bundles-row">
            <input id="bundles-path" data-testid="bundles-path" value={b.path} placeholder="/path/to/bundles" spellCheck={false} onChange={(e) => setBundlesPath(e.target.value)} />
            <button type="submit" className="primary" data-testid="bundles-load" disabled={!b.path.trim() || b.status === 'scanning'}>
              {b.status === 'scanning' ? 'Verifying…' : 'Load'}
            </button>
          </div>
        </form>
        {b.status === 'error' && (
          <p className="warn-text" data-testid="bundles-error">
            {b.error?.message} <span className="muted">({b.error?.code})</span>
          </p>
        )}
        {scan && (
          <>
            {!blind && <VerdictTable scan={scan} />}
            <div className="bundles-report">
              <button className="primary" data-testid="bundles-report" disabled={b.report.status === 'building'} onClick={() => void buildReport()}>
                {b.report.status === 'building' ? 'Building…' : 'Build report'}
              </button>
              {b.report.status === 'error' && (
                <p className="warn-text" data-testid="bundles-report-error">
                  {b.report.error?.message} <span className="muted">({b.report.error?.code})</span>
                </p>
              )}
              {b.report.status === 'ready' && b.report.result && <ReportSummary result={b.report.result} blind={blind} />}
            </div>
            <ReviewPanel />
          </>
        )}
      </main>
    </div>
  );
}

/** The folder's bundles with their verification, file, environment and maker (hidden during a blind review). */
function VerdictTable({ scan }: { scan: BundlesScan }) {
  return (
    <>
      <p className="muted" data-testid="bundles-signers">
        {scan.bundles.length} bundle(s) in {scan.path} ·{' '}
        {scan.allowedSigners ? `signers checked against ${scan.allowedSigners}` : 'no allowed_signers found: any signer is accepted and named by its fingerprint'}
      </p>
      <table className="grid bundles-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Bundle</th>
            <th>Verification</th>
            <th>Environment</th>
            <th>Who</th>
            <th className="num">Final</th>
            <th className="num">Normalized</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {scan.bundles.map((x, i) => (
            <tr key={x.file} data-testid={`bundle-row-${i + 1}`}>
              <td className="num">{i + 1}</td>
              <td title={x.file}>{x.file.split(/[\\/]/).pop()}</td>
              <td className="bundle-verdict" title={[x.message, ...x.warnings].join('\n')}>
                {x.ok ? <span className="badge ok">ok</span> : <span className="badge bad">{x.code}</span>} <span className="muted small">{x.ok ? (x.signer ?? '') : x.message}</span>
              </td>
              <td>{x.envId ? `${x.envTitle ?? x.envId} ${x.envVersion ?? ''}` : '—'}</td>
              <td>{x.group ? (x.group === 'agent' ? `agent${x.agent ? ` (${x.agent})` : ''}` : 'human') : '—'}</td>
              <td className="num">{formatRaw(x.final)}</td>
              <td className="num">{formatNormalized(x.normalized)}</td>
              <td>
                <button className="link" data-testid={`bundle-replay-${i + 1}`} onClick={() => openBundleReplay(x.file)}>
                  Open replay
                </button>
                {(x.code === 'BUNDLE_SIGNER_UNKNOWN' || (!scan.allowedSigners && x.ok)) && (
                  <button className="link" data-testid={`bundle-accept-${i + 1}`} title="Add this expert's key to allowed_signers" onClick={() => void acceptSigner(x.file)}>
                    Accept signer…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The report's counts, and (outside a blind review) its human and agent groups. */
function ReportSummary({ result, blind }: { result: NonNullable<ReturnType<typeof useStore.getState>['bundles']['report']['result']>; blind: boolean }) {
  const s = result.summary;
  return (
    <div className="bundles-summary" data-testid="bundles-report-result">
      <p>
        Report written to <code data-testid="bundles-report-path">{result.files.html}</code>
        <br />
        <span className="muted small">
          also attempts.csv and summary.json in {result.outDir}; signers checked against {result.allowedSigners}
        </span>
      </p>
      <p>
        {s.bundles.counted} of {s.bundles.total} bundle(s) counted · {s.bundles.failed} failed verification · {s.bundles.duplicates} reused ticket(s)
        {s.bundles.invalidated ? ` · ${s.bundles.invalidated} invalidated in review` : ''}
      </p>
      {!blind && s.groups.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Group</th>
              <th className="num">Runs</th>
              <th className="num">Environments</th>
              <th className="num">Mean normalized [95% CI]</th>
            </tr>
          </thead>
          <tbody>
            {s.groups.map((g) => (
              <tr key={g.group}>
                <td>{g.group}</td>
                <td className="num">{g.runs}</td>
                <td className="num">{g.environments}</td>
                <td className="num">
                  {formatNormalized(g.meanNormalized)} [{formatNormalized(g.lo)}, {formatNormalized(g.hi)}]
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
