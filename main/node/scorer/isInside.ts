import { resolve, sep } from 'node:path';

/** Whether `child` is `parent` or lies under it (by path, without following links). */
export function isInside(parent: string, child: string): boolean {
  const p = resolve(parent);
  const c = resolve(child);
  return c === p || c.startsWith(p.endsWith(sep) ? p : p + sep);
}
