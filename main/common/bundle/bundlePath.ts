/**
 * Names inside a bundle: relative, '/'-separated, no '.', '..' or empty segments, no backslash, no control
 * characters. Anything else could land outside the folder a reader extracts into, on some OS.
 */
export const MAX_BUNDLE_PATH = 4096;

/** Why a name is unsafe, or undefined when it is fine. */
export function unsafePathReason(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_BUNDLE_PATH) return `the name is longer than ${MAX_BUNDLE_PATH} characters`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'the name is an absolute path';
  if (name.includes('\\')) return 'the name contains a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the name contains a control character';
  for (const seg of name.split('/')) {
    if (seg === '..') return 'the name climbs out of the bundle ("..")';
    if (seg === '.' || seg === '') return 'the name has an empty or "." segment';
  }
  return undefined;
}

export function isSafeBundlePath(name: string): boolean {
  return unsafePathReason(name) === undefined;
}
