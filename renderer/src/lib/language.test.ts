import { describe, expect, it } from 'vitest';
import { languageFor } from './language';

describe('languageFor', () => {
  it('maps by extension, case-insensitively, with plaintext for the rest', () => {
    expect(languageFor('solution.py')).toBe('python');
    expect(languageFor('dir/README.MD')).toBe('markdown');
    expect(languageFor('run.sh')).toBe('shell');
    expect(languageFor('kernels/scan.cu')).toBe('cpp');
    expect(languageFor('Dockerfile')).toBe('dockerfile');
    expect(languageFor('.bashrc')).toBe('plaintext');
    expect(languageFor('data.bin')).toBe('plaintext');
  });
});
