import type { PreflightReport } from '../../../../main/common/attempt';

export function PreflightChecks({ report }: { report: PreflightReport }) {
  return (
    <table className="checks" data-testid="preflight-checks">
      <thead>
        <tr>
          <th />
          <th>Check</th>
          <th>Found</th>
          <th>Needed</th>
        </tr>
      </thead>
      <tbody>
        {report.checks.map((c) => (
          <tr key={c.name} className={c.ok ? 'ok' : 'bad'} data-testid={`preflight-check-${c.name}`}>
            <td aria-label={c.ok ? 'ok' : 'failed'}>{c.ok ? '✓' : '✗'}</td>
            <td>{c.name}</td>
            <td>{c.found}</td>
            <td>{c.needed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
