import type { EnvSummary } from '../../../../main/common/api';
import { selectEnv } from '../../actions/home';
import { formatMinutes } from '../../lib/time';
import { hardwareText } from '../../lib/hardware';

export function EnvCard({ env, selected }: { env: EnvSummary; selected: boolean }) {
  return (
    <button
      className={`env-card${selected ? ' selected' : ''}${env.error ? ' broken' : ''}`}
      data-testid={`env-card-${env.id}`}
      aria-pressed={selected}
      onClick={() => void selectEnv(env.id)}
    >
      <div className="env-title">{env.title}</div>
      <div className="env-meta">
        <span title="Time limit">{formatMinutes(env.timeLimitMinutes)} limit</span>
        <span title={`Hardware the ${env.defaultVariant} variant needs`}>{hardwareText(env.hardware)}</span>
      </div>
      <div className="env-id muted">
        {env.id} · v{env.version}
        {env.variants.length > 1 ? ` · ${env.defaultVariant} (also ${env.variants.filter((v) => v !== env.defaultVariant).join(', ')})` : ''}
      </div>
      {env.error && (
        <div className="env-error">
          {env.error.message} <code>{env.error.code}</code>
        </div>
      )}
    </button>
  );
}
