import { describe, expect, it } from 'vitest';
import { checkKnownData, KnownKinds, PASTE_CONTENT_MAX } from './kinds';
import { CheckpointSchema, EventRecordSchema, EventsMetaSchema, eventsJsonSchemas } from './schema';

const record = { seq: 0, t: 0, wall: '2025-01-01T09:00:00.000Z', src: 'pty', kind: 'pty.input', data: { ptyId: 'p', data: 'x' }, prev: '0'.repeat(64) };
const sha = 'a'.repeat(64);

describe('EventRecordSchema', () => {
  it('accepts a record and any JSON object as data', () => {
    expect(EventRecordSchema.safeParse(record).success).toBe(true);
    expect(EventRecordSchema.safeParse({ ...record, src: 'agent', kind: 'agent.thought', data: { anything: [1, { x: null }] } }).success).toBe(true);
  });
  it('refuses broken envelopes', () => {
    const bad = (over: Record<string, unknown>) => EventRecordSchema.safeParse({ ...record, ...over }).success;
    expect(bad({ seq: -1 })).toBe(false);
    expect(bad({ seq: 1.5 })).toBe(false);
    expect(bad({ src: 'screen' })).toBe(false);
    expect(bad({ kind: 'editor.save' })).toBe(false); // not under its src
    expect(bad({ kind: 'pty' })).toBe(false);
    expect(bad({ data: [1] })).toBe(false);
    expect(bad({ prev: 'A'.repeat(64) })).toBe(false);
    expect(bad({ extra: 1 })).toBe(false);
  });
});

describe('known kinds', () => {
  it('checks the data of the kinds it knows, and leaves others free', () => {
    expect(checkKnownData('pty.resize', { ptyId: 'p', cols: 80, rows: 24 })).toBeUndefined();
    expect(checkKnownData('pty.resize', { ptyId: 'p', cols: 80 })).toMatch(/^rows:/);
    expect(checkKnownData('editor.save', { path: 'a.py', sha256: 'xyz' })).toMatch(/^sha256:/);
    expect(checkKnownData('app.idle', { fromT: 10, toT: 5 })).toMatch(/toT/);
    expect(checkKnownData('app.paste', { target: 'editor', length: 2, sha256: sha, content: 'abc' })).toMatch(/longer than length/);
    expect(checkKnownData('app.paste', { target: 'editor', length: PASTE_CONTENT_MAX + 1, sha256: sha, content: 'x'.repeat(PASTE_CONTENT_MAX + 1) })).toBeDefined();
    expect(checkKnownData('agent.anything', { whatever: true })).toBeUndefined();
    // Extra fields on a known kind are allowed: a newer app may add them.
    expect(checkKnownData('app.note', { text: 'hi', mood: 'ok' })).toBeUndefined();
  });
  it('accepts a Monaco change event as the editor sends it', () => {
    const change = {
      path: 'train.py',
      versionId: 12,
      changes: [{ rangeOffset: 40, rangeLength: 3, text: 'lr = 3e-4', range: { startLineNumber: 2, startColumn: 1, endLineNumber: 2, endColumn: 4 } }],
      isUndo: false,
      isRedo: false,
    };
    expect(checkKnownData('editor.change', change)).toBeUndefined();
    expect(checkKnownData('editor.change', { ...change, changes: [{ ...change.changes[0], range: { startLineNumber: 0 } }] })).toBeDefined();
  });
  it('names every kind under its own src', () => {
    for (const kind of Object.keys(KnownKinds)) expect(EventRecordSchema.safeParse({ ...record, src: kind.split('.')[0], kind, data: {} }).success).toBe(true);
  });
});

describe('checkpoint and meta schemas', () => {
  it('accept what the writer writes and refuse the rest', () => {
    const cp = { seq: 3, head: sha, t: 10, wall: '2025-01-01T09:00:00.000Z', sig: `${'A'.repeat(86)}==` };
    expect(CheckpointSchema.safeParse(cp).success).toBe(true);
    expect(CheckpointSchema.safeParse({ ...cp, sig: 'short' }).success).toBe(false);
    const meta = { format: 'redesk-events/1', attempt: 'a', salt: 'ab'.repeat(16), publicKey: 'ssh-ed25519 AAAAC3Nz', created: 'now' };
    expect(EventsMetaSchema.safeParse(meta).success).toBe(true);
    expect(EventsMetaSchema.safeParse({ ...meta, format: 'redesk-events/2' }).success).toBe(false);
  });
});

describe('eventsJsonSchemas', () => {
  it('publishes the record schema with a branch per known kind', () => {
    const { record: rs, checkpoint, meta } = eventsJsonSchemas() as Record<string, { required?: string[]; allOf?: { if: { properties: { kind: { const: string } } }; then: unknown }[] }>;
    expect(rs!.required).toEqual(expect.arrayContaining(['seq', 't', 'wall', 'src', 'kind', 'data', 'prev']));
    expect(rs!.allOf!.map((b) => b.if.properties.kind.const).sort()).toEqual(Object.keys(KnownKinds).sort());
    expect(JSON.stringify(rs!.allOf!.find((b) => b.if.properties.kind.const === 'pty.resize')!.then)).toContain('"cols"');
    expect(checkpoint!.required).toEqual(expect.arrayContaining(['seq', 'head', 't', 'wall', 'sig']));
    expect(meta!.required).toContain('salt');
  });
});
