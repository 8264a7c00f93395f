// Benches time the project's own TypeScript modules under plain node: esbuild bundles the named exports into
// node_modules/.cache/redesk-bench/<name>.mjs (dependencies stay external) and the bench imports that.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `exportsSource` is TypeScript re-exports relative to the repository root, e.g. `export { X } from './main/…'`.
 * `rebuild: false` imports what an earlier call built (a bench's child processes reuse their parent's build).
 */
export async function loadSources(name, exportsSource, { rebuild = true } = {}) {
  const outfile = join(root, 'node_modules', '.cache', 'redesk-bench', `${name}.mjs`);
  if (rebuild) await bundle({ stdin: { contents: exportsSource, resolveDir: root, loader: 'ts' } }, outfile);
  return import(pathToFileURL(outfile).href);
}

/** Bundles a process or worker entry (a path relative to the repository root) and returns the bundle's path. */
export async function bundleEntry(name, entryRel) {
  const outfile = join(root, 'node_modules', '.cache', 'redesk-bench', `${name}.mjs`);
  await bundle({ entryPoints: [join(root, entryRel)] }, outfile);
  return outfile;
}

function bundle(input, outfile) {
  return build({ ...input, outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
}
