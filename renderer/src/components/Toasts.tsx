import { useStore } from '../store/store';
import { dismissToast } from '../actions/toasts';

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div className="toast-body">
            <div className="toast-message">{t.message}</div>
            {t.hint && <div className="toast-hint">{t.hint}</div>}
            {t.code && <code className="toast-code" data-testid="toast-code">{t.code}</code>}
          </div>
          <button className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
