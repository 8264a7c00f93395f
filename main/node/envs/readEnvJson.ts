import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvSchema, formatIssues, type EnvSpec } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import { EnvInvalidError } from './EnvInvalidError';

/**
 * env.json of one folder, parsed and validated. Throws ENV_NOT_FOUND when there is none, EnvInvalidError
 * (ENV_INVALID) for bad JSON or any schema problem, with every field named and `where` set to the first.
 */
export async function readEnvJson(dir: string): Promise<EnvSpec> {
  const file = join(dir, 'env.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new RedeskError('ENV_NOT_FOUND', `No env.json in ${dir}.`, {
        hint: 'Point at an environment folder: one that holds env.json.',
        where: file,
      });
    }
    throw new EnvInvalidError(file, [`cannot be read: ${(e as Error).message}`], 'env.json');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new EnvInvalidError(file, [`not valid JSON: ${describeJsonError(text, e as Error)}`], 'env.json');
  }
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]?.path.join('.');
    throw new EnvInvalidError(file, formatIssues(parsed.error), first || undefined);
  }
  const spec = parsed.data;
  if (spec.defaultVariant !== undefined && !(spec.defaultVariant in spec.variants)) {
    const known = Object.keys(spec.variants);
    throw new EnvInvalidError(
      file,
      [`defaultVariant: "${spec.defaultVariant}" is not one of the variants (${known.length ? known.join(', ') : 'none'})`],
      'defaultVariant',
    );
  }
  return spec;
}

/** V8's message, with line and column added when it gives only a character position. */
function describeJsonError(text: string, e: Error): string {
  const msg = e.message;
  if (/line \d+/.test(msg)) return msg;
  const pos = /position (\d+)/.exec(msg);
  if (!pos) return msg;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${msg} (line ${line} column ${column})`;
}
