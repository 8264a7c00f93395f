/** Monaco language id for a workspace path; only the languages registered in editor/monacoSetup.ts. */
const BY_EXT: Record<string, string> = {
  py: 'python',
  pyi: 'python',
  md: 'markdown',
  markdown: 'markdown',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'ini',
  ini: 'ini',
  cfg: 'ini',
  c: 'cpp',
  h: 'cpp',
  cc: 'cpp',
  cpp: 'cpp',
  cu: 'cpp',
  cuh: 'cpp',
  hpp: 'cpp',
  rs: 'rust',
  js: 'javascript',
  mjs: 'javascript',
  json: 'javascript',
  ts: 'typescript',
};

export function languageFor(path: string): string {
  const name = path.split('/').pop() ?? path;
  if (name === 'Dockerfile') return 'dockerfile';
  if (name === 'Makefile') return 'plaintext';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'plaintext';
  return BY_EXT[name.slice(dot + 1).toLowerCase()] ?? 'plaintext';
}
