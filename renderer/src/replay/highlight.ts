/** Splits a search hit's excerpt around its first match, so the view can mark it: [before, match, after]. */
export function highlight(excerpt: string, query: string, regex: boolean): [string, string, string] {
  let re: RegExp;
  try {
    re = regex ? new RegExp(query, 'm') : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  } catch {
    return [excerpt, '', ''];
  }
  const m = re.exec(excerpt);
  if (!m || !m[0]) return [excerpt, '', ''];
  return [excerpt.slice(0, m.index), m[0], excerpt.slice(m.index + m[0].length)];
}
