import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  actions: ReactNode;
}

/** A modal over the page; Escape or the backdrop closes it. */
export function Dialog({ title, testId, onClose, children, actions }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    ref.current?.querySelector<HTMLElement>('input, button.primary, button')?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId} ref={ref}>
        <h2>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>
  );
}
