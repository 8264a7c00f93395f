import { RedeskError } from '../../common/errors';

/** ENV_INVALID with every problem kept as a list, so `env check` and the env list can show them one per line. */
export class EnvInvalidError extends RedeskError {
  readonly issues: string[];

  constructor(file: string, issues: string[], where?: string) {
    super('ENV_INVALID', `${file} is not a valid environment: ${issues.join('; ')}`, {
      where,
      hint: 'Fix the fields named above; resources/schemas/env.schema.json describes every field.',
    });
    this.issues = issues;
  }
}
