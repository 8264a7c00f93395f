import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerUnavailable } from './ortParts';

describe('providerUnavailable', () => {
  it('never refuses cpu, and refuses a provider this build of onnxruntime-node does not have, naming it', () => {
    expect(providerUnavailable('cpu')).toBeUndefined();
    const other = process.platform === 'darwin' ? 'dml' : 'coreml';
    expect(providerUnavailable(other)).toMatch(new RegExp(`not built with ${other}`));
  });

  it.runIf(process.platform === 'linux')('asks for the CUDA library beside the binding before ORT would fail on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redesk-ortbin-'));
    try {
      expect(providerUnavailable('cuda', dir)).toMatch(/libonnxruntime_providers_cuda\.so is not installed/);
      writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), '');
      expect(providerUnavailable('cuda', dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
