export type ArgvPlaceholders = Record<'workspace' | 'envDir' | 'cacheDir' | 'python', string>;

/** Replaces {workspace} {envDir} {cacheDir} {python} anywhere in each argument; other braces are left alone. */
export function substituteArgv(argv: readonly string[], values: ArgvPlaceholders): string[] {
  return argv.map((arg) =>
    arg.replace(/\{(workspace|envDir|cacheDir|python)\}/g, (_, name: keyof ArgvPlaceholders) => values[name]),
  );
}
