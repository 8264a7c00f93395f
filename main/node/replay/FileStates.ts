import { hash } from 'node:crypto';
import { applyChangeEvent, type TextChange } from '../../common/events/applyChanges';

/** One file as the replay knows it at some moment. Immutable: a change makes a new object, so snapshots share them. */
export interface FileState {
  /** The text, or null when the log does not say it (changed outside the editor, or opened without content). */
  content: string | null;
  /** The last hash the log gave for it (open, save, file watcher), or null when deleted. */
  sha256: string | null;
  deleted: boolean;
}

export function sha256Of(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The files of an attempt along its log: editor opens (with their content, when the recorder gave it) and changes,
 * saves, and changes made outside the editor. Copying is a shallow Map copy, cheap enough for a snapshot.
 */
export class FileStates {
  /** Saves whose hash did not match the replayed text: nonzero means the editor records are incomplete. */
  saveMismatches = 0;
  saves = 0;

  constructor(readonly files: Map<string, FileState> = new Map()) {}

  clone(): FileStates {
    return new FileStates(new Map(this.files));
  }

  /** Applies one record; returns true when it was about a file. */
  apply(kind: string, data: Record<string, unknown>): boolean {
    const path = data.path;
    if (typeof path !== 'string' || !path) return false;
    const cur = this.files.get(path);
    switch (kind) {
      case 'editor.open': {
        // Without content, an open says the text is what the log already established for the path (the recorder
        // omits it then); its hash tells whether that is still what we have.
        const sha = str(data.sha256);
        let content: string | null = typeof data.content === 'string' ? data.content : (cur?.content ?? null);
        if (typeof data.content !== 'string' && content !== null && sha && sha256Of(content) !== sha) content = null;
        this.files.set(path, { content, sha256: sha ?? cur?.sha256 ?? null, deleted: false });
        return true;
      }
      case 'editor.change': {
        const changes = Array.isArray(data.changes) ? (data.changes as TextChange[]) : [];
        const isFlush = data.isFlush === true;
        const eol = typeof data.eol === 'string' ? data.eol : undefined;
        let content: string | null = null;
        if (isFlush || (cur?.content !== null && cur?.content !== undefined)) {
          try {
            content = applyChangeEvent(cur?.content ?? '', { changes, isFlush, eol });
          } catch {
            content = null; // the record does not fit the text we have: the text is unknown from here on
          }
        }
        this.files.set(path, { content, sha256: cur?.sha256 ?? null, deleted: false });
        return true;
      }
      case 'editor.save': {
        const sha = str(data.sha256) ?? null;
        this.saves++;
        if (cur?.content != null && sha && sha256Of(cur.content) !== sha) this.saveMismatches++;
        this.files.set(path, { content: cur?.content ?? null, sha256: sha, deleted: false });
        return true;
      }
      case 'fs.change': {
        const sha = str(data.sha256) ?? null;
        if (sha === null) {
          this.files.set(path, { content: null, sha256: null, deleted: true });
          return true;
        }
        // Our own save comes back from the file watcher with the same hash; anything else changed the file behind
        // the editor, and its text is unknown unless the record carries it.
        let content: string | null = typeof data.content === 'string' ? data.content : null;
        if (content === null && cur?.content != null && sha256Of(cur.content) === sha) content = cur.content;
        this.files.set(path, { content, sha256: sha, deleted: false });
        return true;
      }
      default:
        return kind.startsWith('editor.');
    }
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
