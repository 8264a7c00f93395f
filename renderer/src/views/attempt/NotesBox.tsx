import { useState } from 'react';
import { useStore } from '../../store/store';
import { addNote, useNotes } from '../../recording/notes';
import { formatClock } from '../../lib/time';

/** The expert's notes, each recorded as an `app.note` and listed with the attempt time it was written at. */
export function NotesBox({ attemptId, live }: { attemptId: string; live: boolean }) {
  const [text, setText] = useState('');
  const notes = useNotes(attemptId);
  const paused = useStore((s) => s.attempt?.state === 'paused');
  const add = () => {
    if (addNote(text)) setText('');
  };
  return (
    <section className="notes-box">
      <div className="pane-title">Notes</div>
      <div className="pad notes-form">
        <textarea
          className="text"
          data-testid="notes"
          rows={3}
          disabled={!live || paused}
          placeholder={live ? 'What you tried, what you think. Enter adds the note (Shift+Enter for a new line).' : 'The attempt is over.'}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Not while an input method is composing: its Enter confirms the characters.
            if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              add();
            }
          }}
        />
        <button data-testid="add-note" disabled={!live || paused || !text.trim()} onClick={add}>
          Add note
        </button>
      </div>
      {notes.length > 0 && (
        <ol className="note-list" data-testid="note-list">
          {notes.map((n, i) => (
            <li key={i} data-testid={`note-${i + 1}`}>
              <span className="note-time" title="Attempt time">
                {formatClock(n.t)}
              </span>
              <span className="note-text">{n.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
