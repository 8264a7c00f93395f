/** The view lives in the URL fragment, so a reload returns to the same attempt (the token stays in the query). */
export function writeHash(hash: string): void {
  const url = new URL(window.location.href);
  url.hash = hash;
  window.history.replaceState(null, '', url);
}

export function attemptIdFromHash(): string | null {
  const m = /^#\/attempt\/([^/]+)$/.exec(window.location.hash);
  return m ? decodeURIComponent(m[1]!) : null;
}
