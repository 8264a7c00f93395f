/**
 * Glob patterns for env.json's submission include/exclude, on '/'-separated paths relative to the workspace:
 * `*` and `?` within a segment, `**` across segments, `[abc]`/`[!abc]` classes and `{a,b}` alternatives. A pattern
 * that names a folder covers what is inside it (`build` and `build/**` mean the same).
 */
export function globToRegExp(pattern: string): RegExp {
  const p = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  let re = '';
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const atStart = i === 0 || p[i - 1] === '/';
        const atEnd = i + 2 === p.length || p[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches no folder or any run of them; a trailing `**` anything below.
          if (p[i + 2] === '/') {
            re += '(?:[^/]+/)*';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
          continue;
        }
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = p.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^/' : ''}${body.replace(/\\/g, '\\\\').replace(/\]/g, '\\]')}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&').replace(/[{}]/g, '\\$&');
  }
  while (braces-- > 0) re += ')';
  return new RegExp(`^${re}(?:/.*)?$`, 's');
}

/** Matches paths against a list of patterns, compiled once. */
export class GlobSet {
  private readonly res: RegExp[];

  constructor(patterns: readonly string[]) {
    this.res = patterns.map(globToRegExp);
  }

  matches(path: string): boolean {
    return this.res.some((r) => r.test(path));
  }
}
