import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Commands the expert can run in the attempt's terminal, written into <dataDir>/bin and put first on the
 * terminal's PATH: `score` asks the running app to score the workspace, exactly like the Score button.
 */
export async function writeShellTools(dataDir: string, root: string, nodeBin: string = process.execPath): Promise<string> {
  const dir = join(dataDir, 'bin');
  await mkdir(dir, { recursive: true });
  const cli = join(root, 'bin', 'redesk.js');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    '#!/bin/sh',
    '# Scores this attempt\'s workspace now (the same as the Score button). Written by redesk.',
    `ELECTRON_RUN_AS_NODE=1 exec ${q(nodeBin)} ${q(cli)} attempt score "$REDESK_ATTEMPT_ID" --data-dir "$REDESK_DATA_DIR" "$@"`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'score'), script);
  await chmod(join(dir, 'score'), 0o755);
  return dir;
}
