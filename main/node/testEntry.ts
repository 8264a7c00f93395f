import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * For tests: bundles a process or worker entry (e.g. `main/node/pty/ptyHostMain.ts`) into node_modules/.cache, so
 * its external packages (node-pty, onnxruntime-node) resolve from the repo's node_modules exactly as they do from
 * dist/node. Returns the entry path and a cleanup.
 */
export async function buildTestEntry(sourceRel: string, name: string): Promise<{ entry: string; cleanup: () => void }> {
  const cacheDir = join(repoRoot, 'node_modules/.cache/redesk-test');
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, `${name}-`));
  const entry = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [join(repoRoot, sourceRel)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    outfile: entry,
    logLevel: 'warning',
  });
  return { entry, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
