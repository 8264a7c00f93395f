import { useStore } from '../store/store';
import { keyLabel } from './keyLabel';

/** The keys typed in the last few seconds before the playhead, newest on the right. */
export function KeyOverlay() {
  const keys = useStore((s) => s.replay?.keys ?? []);
  const text = keys.map((k) => keyLabel(k.text)).join('');
  return (
    <div className={`replay-keys${text ? '' : ' empty'}`} data-testid="replay-keys" aria-live="off">
      {text.length > 48 ? `…${text.slice(-48)}` : text}
    </div>
  );
}
