import { useRef, useState, type ReactNode } from 'react';

/** Two panes stacked, with a bar to drag between them; the split is a fraction of the height. */
export function VerticalSplit({ top, bottom, initial }: { top: ReactNode; bottom: ReactNode; initial: number }) {
  const [frac, setFrac] = useState(initial);
  const ref = useRef<HTMLDivElement>(null);
  const onPointerDown = (e: React.PointerEvent) => {
    const box = ref.current?.getBoundingClientRect();
    if (!box) return;
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => setFrac(Math.min(0.85, Math.max(0.15, (ev.clientY - box.top) / box.height)));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  return (
    <div className="vsplit" ref={ref} style={{ gridTemplateRows: `${frac}fr 5px ${1 - frac}fr` }}>
      <div className="vsplit-pane">{top}</div>
      <div className="vsplit-bar" role="separator" aria-orientation="horizontal" onPointerDown={onPointerDown} />
      <div className="vsplit-pane">{bottom}</div>
    </div>
  );
}
