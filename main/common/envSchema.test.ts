import { describe, expect, it } from 'vitest';
import { EnvSchema, envJsonSchema, formatIssues } from './envSchema';

const valid = {
  id: 'demo_env',
  version: '1.0.0',
  title: 'Demo',
  instructions: 'instructions.md',
  timeLimitMinutes: 30,
  pause: { allowed: true },
  starter: 'starter',
  scorer: { argv: ['{python}', 'score.py', '{workspace}'] },
  score: { direction: 'min', aggregate: 'best', start: 2, reference: 1 },
};

describe('EnvSchema', () => {
  it('accepts a minimal env and fills defaults', () => {
    const env = EnvSchema.parse(valid);
    expect(env.scorer.timeoutSeconds).toBe(600);
    expect(env.scorer.workspaceView).toBe('copy');
    expect(env.hardware.gpus).toBe(0);
  });
  it('names each bad field', () => {
    const r = EnvSchema.safeParse({ ...valid, timeLimitMinutes: 'long', scorer: { argv: [] }, extra: 1 });
    expect(r.success).toBe(false);
    const issues = formatIssues(r.error!).join('\n');
    expect(issues).toContain('timeLimitMinutes');
    expect(issues).toContain('scorer.argv');
    expect(issues).toMatch(/extra/);
  });
  it('needs start and reference for a fixed baseline, not for a calibrated one', () => {
    const fixed = EnvSchema.safeParse({ ...valid, score: { direction: 'min', aggregate: 'best' } });
    expect(formatIssues(fixed.error!).join()).toContain('score.start');
    expect(EnvSchema.safeParse({ ...valid, score: { direction: 'min', aggregate: 'best', baseline: 'calibrated' } }).success).toBe(true);
  });
  it('refuses paths that leave the environment folder', () => {
    const r = EnvSchema.safeParse({ ...valid, starter: '../outside' });
    expect(formatIssues(r.error!).join()).toContain('starter');
  });
  it('takes secrets as environment variable names, unique, and none by default', () => {
    expect(EnvSchema.parse(valid).secrets).toEqual([]);
    expect(EnvSchema.parse({ ...valid, secrets: [{ name: 'OPENAI_API_KEY', description: 'for the scaffold' }] }).secrets).toEqual([
      { name: 'OPENAI_API_KEY', description: 'for the scaffold' },
    ]);
    expect(formatIssues(EnvSchema.safeParse({ ...valid, secrets: [{ name: 'not a name' }] }).error!).join()).toContain('secrets.0.name');
    expect(formatIssues(EnvSchema.safeParse({ ...valid, secrets: [{ name: 'K_1' }, { name: 'K_1' }] }).error!).join()).toContain('unique');
  });
  it('publishes a JSON Schema', () => {
    const schema = envJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toContain('scorer');
    expect(Object.keys(schema.properties)).toContain('secrets');
    expect(schema.required).toContain('id');
  });
});
