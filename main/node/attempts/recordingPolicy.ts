import type { RecordingPolicy } from '../../common/api';
import { PASTE_CONTENT_MAX } from '../../common/events/kinds';
import { HASH_MAX_BYTES } from './FileChangeRecorder';

const KIB = 1024;

/**
 * What the app records during an attempt, in plain words, shown before Start. It must stay true: each line names
 * something a recorder in this codebase writes (the kinds in main/common/events/kinds.ts), and nothing else is.
 */
export function recordingPolicy(secretNames: readonly string[]): RecordingPolicy {
  return {
    recorded: [
      { what: 'Terminal input', detail: 'Every key and paste sent to a terminal, exactly as sent.' },
      { what: 'Terminal output', detail: 'Everything the terminal prints, and each resize of the terminal.' },
      { what: 'Editor edits', detail: 'Each change in the editor (what was typed or deleted, and where), including undo and redo.' },
      { what: 'Editor saves and opens', detail: 'Which file was opened or saved, with a hash of its content.' },
      { what: 'Editor cursor', detail: 'Where the cursor and selections are, a few times a second at most.' },
      {
        what: 'Files changed outside the editor',
        detail: `Path, size and a hash (SHA-256) of files in the workspace changed by anything else (files over ${HASH_MAX_BYTES / KIB / KIB} MiB: size only). Not their content.`,
      },
      { what: 'Focus and blur', detail: 'When the app window gains or loses focus.' },
      { what: 'Pastes', detail: `Length and hash of every paste, and its text up to ${PASTE_CONTENT_MAX / KIB} KiB.` },
      { what: 'Idle spans', detail: 'Stretches of time with no input.' },
      { what: 'Network up/down', detail: 'When a network interface comes up or goes down, and whether the machine is online.' },
      { what: 'GPU samples', detail: 'Every 10 s, where nvidia-smi is present: GPU utilisation and memory, and the processes using the GPU.' },
      { what: 'Scores', detail: 'Each score request and its result.' },
      { what: 'Pauses', detail: 'When you pause and resume, with the reason you give.' },
      { what: 'Notes', detail: 'What you write in the Notes box.' },
      { what: 'Submit', detail: 'When you submit, or when the time runs out.' },
    ],
    notRecorded: [
      'No screen recording or screenshots.',
      'No camera.',
      'No microphone.',
      'Nothing outside the app: other windows and programs are not recorded, and only the workspace folder is watched for file changes (what a terminal prints is recorded as terminal output).',
      "The values of the environment's secrets: they are replaced by a salted digest before anything is written.",
    ],
    secrets: [...secretNames],
  };
}
