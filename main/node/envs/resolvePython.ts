/** The interpreter that runs scorers and preflight checks: REDESK_PYTHON when set, else python3 from PATH. */
export function resolvePython(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDESK_PYTHON || 'python3';
}
