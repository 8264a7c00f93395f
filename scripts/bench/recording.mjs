#!/usr/bin/env node
// Recording overhead on terminal throughput (issue #3); the measurement is in recordingCore.mjs. Builds the modules
// it needs with esbuild into node_modules/.cache first, so it runs with plain node:
//   node scripts/bench/recording.mjs [--mb N] [--rounds R] [--dir D]
import { loadSources } from './loadSources.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: { mb: { type: 'string', default: '16' }, rounds: { type: 'string', default: '4' }, dir: { type: 'string', default: tmpdir() } },
});
const entry = join(root, 'dist', 'node', 'ptyHost.js');
if (!existsSync(entry)) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-renderer'], { stdio: 'inherit' });

const mod = await loadSources('recording', `export { PtyHostClient } from './main/node/pty/PtyHostClient';
      export { EventLog } from './main/node/recorder/EventLog';
      export { AttemptLog } from './main/node/attempts/AttemptLog';
      export { systemClock, silentLogger } from './main/node/systemClock';`);
const { benchRecording } = await import(pathToFileURL(join(root, 'scripts', 'bench', 'recordingCore.mjs')).href);
await benchRecording(mod, { entry, mb: Number(args.mb), rounds: Number(args.rounds), dir: args.dir });
