#!/usr/bin/env node
// Builds every runtime: the CLI and browser-mode host, the pty host, the Electron main and preload (esbuild),
// the renderer (vite), and the env.json JSON Schema generated from its zod source.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Dependencies stay in node_modules (node-pty is native; electron-builder unpacks it from the asar).
  packages: 'external',
  define: { __REDESK_VERSION__: JSON.stringify(pkg.version) },
};

async function buildMain() {
  await Promise.all([
    build({ ...common, entryPoints: [join(root, 'main/cli/index.ts')], outfile: join(root, 'dist/cli/index.js'), format: 'esm' }),
    build({ ...common, entryPoints: [join(root, 'main/node/pty/ptyHostMain.ts')], outfile: join(root, 'dist/node/ptyHost.js'), format: 'esm' }),
    // The path-patching worker thread (onnxruntime-node stays external, like node-pty).
    build({ ...common, entryPoints: [join(root, 'main/node/patching/engine/patchWorkerMain.ts')], outfile: join(root, 'dist/node/patchWorker.js'), format: 'esm' }),
    // Replay's log verification, beside the indexing on the host's thread.
    build({ ...common, entryPoints: [join(root, 'main/node/recorder/verifyWorkerMain.ts')], outfile: join(root, 'dist/node/verifyWorker.js'), format: 'esm' }),
    build({ ...common, entryPoints: [join(root, 'main/electron/main.ts')], outfile: join(root, 'dist/electron/main.js'), format: 'esm' }),
    // A sandboxed preload must be CommonJS.
    build({ ...common, entryPoints: [join(root, 'preload/preload.ts')], outfile: join(root, 'dist/preload/preload.cjs'), format: 'cjs' }),
  ]);
}

function buildSchema() {
  const out = join(root, 'resources/schemas/env.schema.json');
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(process.execPath, [join(root, 'dist/cli/index.js'), 'env', 'schema', '--out', out], { stdio: 'inherit' });
}

function buildRenderer() {
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', join(root, 'renderer/vite.config.ts'), '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
}

const t0 = Date.now();
await buildMain();
if (args.has('--schema-only')) {
  buildSchema();
} else {
  buildSchema();
  if (!args.has('--no-renderer') && existsSync(join(root, 'renderer/vite.config.ts'))) buildRenderer();
}
console.log(`redesk: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
