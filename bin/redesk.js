#!/usr/bin/env node
// The `redesk` command: the built CLI under plain node (no Electron needed).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'index.js');
if (!existsSync(entry)) {
  console.error('redesk: not built yet (dist/cli/index.js is missing). Run `npm install` or `npm run build` in the redesk folder.');
  process.exit(2);
}
await import(pathToFileURL(entry).href);
