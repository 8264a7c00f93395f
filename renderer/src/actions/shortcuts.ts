/**
 * Global shortcuts, caught in the capture phase so they work with focus in Monaco or xterm, and so the browser's
 * own Ctrl+S (save page) and xterm's Ctrl+S (XOFF, which would freeze the shell) never fire.
 */
import { getState } from '../store/store';
import { score } from './attempt';
import { saveActive } from './editor';
import { newTerminal } from './terminals';

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';
export const SHORTCUTS = {
  save: `${MOD}S`,
  score: `${MOD}Enter`,
  newTerminal: 'Ctrl+Shift+`',
} as const;

function mod(e: KeyboardEvent): boolean {
  return isMac ? e.metaKey : e.ctrlKey;
}

function handle(e: KeyboardEvent): boolean {
  if (getState().view.kind !== 'attempt') return false;
  if (mod(e) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 's') {
    void saveActive();
    return true;
  }
  if (mod(e) && !e.shiftKey && !e.altKey && e.key === 'Enter') {
    void score();
    return true;
  }
  // By code, not key: Shift turns ` into ~ on US layouts and into other characters elsewhere.
  if (e.ctrlKey && e.shiftKey && e.code === 'Backquote') {
    newTerminal();
    return true;
  }
  return false;
}

export function installShortcuts(): void {
  window.addEventListener(
    'keydown',
    (e) => {
      if (handle(e)) {
        e.preventDefault();
        e.stopPropagation();
      }
    },
    { capture: true },
  );
}
