import { useMemo } from 'react';
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { useStore } from '../../store/store';

/** Environment instructions, rendered from Markdown and sanitized: the text comes from an imported pack. */
export function Instructions() {
  const detail = useStore((s) => s.envDetail);
  const html = useMemo(() => {
    if (!detail) return '';
    const raw = marked.parse(detail.instructionsMarkdown, { async: false, gfm: true });
    return DOMPurify.sanitize(raw, { USE_PROFILES: { html: true } });
  }, [detail]);
  if (!detail) return <div className="instructions muted">Loading instructions…</div>;
  return <article className="instructions markdown" data-testid="instructions" dangerouslySetInnerHTML={{ __html: html }} />;
}
