/**
 * The expert's notes: each becomes an `app.note` record, and the list under the Notes box shows them with the
 * attempt time they were written at. Kept per attempt in sessionStorage, so a reload keeps the list (the record
 * itself is in the log either way).
 */
import { useSyncExternalStore } from 'react';
import { getState } from '../store/store';
import { appNote } from './clientEvents';
import { attemptTimeAt } from './attemptTime';
import { recordingFor } from './session';

export interface Note {
  text: string;
  /** Attempt time (ms) when it was added, as the renderer's clock estimates it; the record's own t is the host's. */
  t: number;
}

const EMPTY: Note[] = [];
const STORAGE_KEY = 'redesk.notes';
const notes = new Map<string, Note[]>(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as [string, Note[]][]);
const listeners = new Set<() => void>();

/** Records a note for the attempt on screen; false when there is nothing to record (empty, or attempt not live). */
export function addNote(text: string): boolean {
  const { attempt, attemptReceivedAt } = getState();
  const trimmed = text.trim();
  if (!attempt || !trimmed) return false;
  const session = recordingFor(attempt.id);
  if (!session.active) return false;
  session.record(appNote(trimmed));
  const t = attemptTimeAt(attempt, attemptReceivedAt, Date.now());
  notes.set(attempt.id, [...(notes.get(attempt.id) ?? EMPTY), { text: trimmed, t }]);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify([...notes]));
  for (const l of listeners) l();
  return true;
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useNotes(attemptId: string): Note[] {
  return useSyncExternalStore(subscribe, () => notes.get(attemptId) ?? EMPTY);
}
