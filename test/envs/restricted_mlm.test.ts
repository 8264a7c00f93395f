import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectEnvDir, loadEnvDir } from '../../main/node/envs/loadEnvDir';
import { EnvAttempt, envDir, rawNormalized, REPO, SYSTEM_PYTHON, torchMissing } from './envScoring';

const DIR = envDir('restricted_mlm');
const SLOW = 300_000;

/** A model.py around a forward body; `init` goes in __init__ (after the embedding), `head` at the top. */
function modelPy(forward: string, opts: { init?: string; head?: string } = {}): string {
  return [
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    'import numpy as np',
    opts.head ?? '',
    'class M(nn.Module):',
    '    def __init__(self, v):',
    '        super().__init__()',
    '        self.emb = nn.Embedding(v, v)',
    ...(opts.init ? opts.init.split('\n').map((l) => '        ' + l) : []),
    '    def forward(self, ids):',
    '        x = self.emb(ids)',
    ...forward.split('\n').map((l) => '        ' + l),
    '        return x',
    'def build_model(vocab_size, mask_id, seq_len):',
    '    return M(vocab_size)',
    '',
  ].join('\n');
}

// A train.py that saves the untrained model: these tests are about the rules, not the loss.
const SAVE_ONLY = 'import torch\nfrom model import build_model\ntorch.save(build_model(65, 64, 64).state_dict(), "model.pt")\n';

describe('restricted_mlm env.json', () => {
  it('mini loads and is the default; full declares its organizer-supplied data and the paper constants', async () => {
    const mini = await loadEnvDir(DIR);
    expect(mini.variant).toBe('mini');
    const full = await inspectEnvDir(DIR, 'full', { assets: 'size' });
    expect(full.spec.hardware.gpus).toBe(2);
    expect(full.spec.score).toMatchObject({ start: 1.814, reference: 1.131, direction: 'min' });
    expect(full.spec.assets.map((a) => a.path)).toEqual(['assets/train_tokens.bin', 'assets/val_tokens.bin']);
    expect(full.issues.every((i) => i.code === 'ENV_ASSET_MISSING')).toBe(true);
  });
});

describe.skipIf(torchMissing())('restricted_mlm mini scored by ScorerRunner (needs torch in /usr/bin/python3)', () => {
  let attempt: EnvAttempt;
  beforeAll(async () => {
    attempt = await EnvAttempt.open(DIR, 'mini');
  });
  afterAll(() => attempt?.close());

  it('scores the starting solution about 0', { timeout: SLOW }, async () => {
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    expect(r.score, r.message).not.toBeNull();
    expect(Math.abs(rawNormalized(r, attempt.env)!)).toBeLessThan(0.15);
    console.info(`restricted_mlm mini: starter n=${rawNormalized(r, attempt.env)!.toFixed(3)} in ${r.durationMs} ms`);
  });

  it('scores the reference solution about 1', { timeout: SLOW }, async () => {
    attempt.put('model.py', { file: 'reference_mini/model.py' });
    attempt.put('train.py', { file: 'reference_mini/train.py' });
    const r = await attempt.score();
    expect(r.errorCode, r.message).toBeUndefined();
    const n = rawNormalized(r, attempt.env)!;
    expect(n).toBeGreaterThanOrEqual(0.8);
    expect(n).toBeLessThanOrEqual(1.3);
    console.info(`restricted_mlm mini: reference n=${n.toFixed(3)} in ${r.durationMs} ms`);
  });

  it('accepts a legitimate MLP: Linear, relu, multiplication by literal constants, a workspace helper module', { timeout: SLOW }, async () => {
    attempt.put('helpers.py', { text: 'import torch\ndef halve(x):\n    return x * 0.5\n' });
    attempt.put('model.py', {
      text: modelPy('x = halve(torch.relu(self.lin(x))) + x.abs().clamp(max=3.0)', {
        head: 'from helpers import halve',
        init: 'self.lin = nn.Linear(v, v)',
      }),
    });
    attempt.put('train.py', { text: SAVE_ONLY });
    const r = await attempt.score();
    expect(r.details.code, r.message).toBeUndefined();
    expect(r.score, r.message).not.toBeNull();
    expect(r.details.checkedFiles).toEqual(['model.py', 'helpers.py']);
  });

  // Each cheat divides or exponentiates in a different way; every one must come back FORBIDDEN_OP.
  const cheats: [string, string, { init?: string; head?: string; helper?: string } | undefined, RegExp][] = [
    ['the / operator', 'x = x / 2.0', undefined, /operator \/ is forbidden/],
    ['** on the tensor', 'x = x ** 2', undefined, /operator \*\* is forbidden/],
    ['torch.exp', 'x = torch.exp(x)', undefined, /exp is forbidden/],
    ['F.softmax', 'x = F.softmax(x, dim=-1)', undefined, /softmax is forbidden/],
    ['an aliased sigmoid', 'x = sg(x)', { head: 'from torch import sigmoid as sg' }, /importing sigmoid is forbidden/],
    ['getattr with a built string', 'x = getattr(torch, "ex" + "p")(x)', undefined, /getattr is not allowed/],
    ['Tensor.__truediv__', 'x = x.__truediv__(3.0)', undefined, /private attribute \.__truediv__/],
    ['operator.truediv', 'x = operator.truediv(x, 3.0)', { head: 'import operator' }, /truediv is forbidden|import of operator is not allowed/],
    ['eval of source text', 'x = eval("x.ex" + "p()")', undefined, /eval is not allowed/],
    ['numpy exp', 'x = torch.from_numpy(np.exp(x.detach().numpy()))', undefined, /exp is forbidden/],
    ['division hidden in a workspace helper', 'x = helper(x)', { head: 'from sneaky import helper', helper: 'def helper(x):\n    return x // 2\n' }, /sneaky\.py:2: operator \/\/ is forbidden/],
    ['switching off the recorder through a private module', 'x = torch.relu(x)', { head: 'from torch.utils._python_dispatch import _pop_mode_temporarily' }, /importing _pop_mode_temporarily is not allowed in model code \(private/],
    ['switching off the recorder through torch.overrides', 'x = torch.relu(x)', { head: 'from torch.overrides import enable_reentrant_dispatch' }, /importing enable_reentrant_dispatch is not allowed .*switch off the scorer's operator recording/],
    ['monkeypatching torch', 'x = torch.relu(x)', { head: 'torch.relu = torch.sigmoid' }, /sigmoid is forbidden|monkeypatching/],
    ['torch.mean (divides by the count)', 'x = x - torch.mean(x)', undefined, /mean is forbidden/],
    ['embedding_bag (averages by default)', 'x = F.embedding_bag(ids, self.emb.weight)[:, None, :].expand(-1, ids.shape[1], -1)', undefined, /embedding_bag is forbidden/],
    // These pass the static check and are caught by the runtime recording of ATen operators.
    ['an RNN (tanh inside), caught at run time', 'x = self.rnn(x)[0]', { init: 'self.rnn = nn.RNN(v, v, batch_first=True)' }, /forward pass ran forbidden operations: .*tanh/],
    ['TorchScript compiled from a string, caught at run time', 'x = self.cu.f(x)', { init: 'self.cu = torch.jit.CompilationUnit("def f(x):\\n    return x.sigmoid()\\n")' }, /forward pass ran forbidden operations: .*sigmoid/],
    ['leaving torch through numpy, caught at run time', 'x = torch.from_numpy(np.maximum(x.numpy(), 0.0))', undefined, /numpy \(takes values out of torch\)/],
  ];

  for (const [name, forward, opts, why] of cheats) {
    it(`refuses ${name} with FORBIDDEN_OP`, { timeout: SLOW }, async () => {
      attempt.put('model.py', { text: modelPy(forward, opts) });
      if (opts?.helper) attempt.put('sneaky.py', { text: opts.helper });
      attempt.put('train.py', { text: SAVE_ONLY });
      const r = await attempt.score();
      expect(r.score, r.message).toBeNull();
      expect(r.details.code, r.message).toBe('FORBIDDEN_OP');
      expect(r.message).toMatch(why);
    });
  }

  it('states the rules it enforces in the instructions', () => {
    const text = readFileSync(join(DIR, 'instructions_mini.md'), 'utf8');
    for (const word of ['softmax', 'getattr', '__truediv__', 'FORBIDDEN_OP', 'ATen']) expect(text).toContain(word);
  });
});

describe.skipIf(torchMissing())('restricted_mlm full scorer, on the CPU with a stand-in held-out set', () => {
  // The organizer's OpenWebText tokens are replaced by random GPT-2 token ids; one window keeps the CPU run short
  // (Debian's torch uses the reference BLAS).
  let root: string;
  let ws: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'redesk-rmfull-'));
    cpSync(DIR, join(root, 'env'), { recursive: true });
    ws = join(root, 'ws');
    cpSync(join(DIR, 'starter'), ws, { recursive: true });
    execFileSync(
      SYSTEM_PYTHON,
      [
        '-c',
        'import os, numpy as np, torch\nfrom model import build_model\nos.makedirs(os.environ["ENV"] + "/assets")\n' +
          'np.random.default_rng(0).integers(0, 50257, 4096, dtype=np.uint16).tofile(os.environ["ENV"] + "/assets/val_tokens.bin")\n' +
          'torch.manual_seed(0)\ntorch.save(build_model(50258, 50257, 128).state_dict(), "model.pt")',
      ],
      { cwd: ws, env: { ...process.env, ENV: join(root, 'env') } },
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function scoreFull(): Record<string, unknown> {
    const out = execFileSync(
      SYSTEM_PYTHON,
      ['scorer/score.py', '--variant', 'full', '--workspace', ws, '--cache', join(root, 'cache'), '--device', 'cpu', '--sequences', '1'],
      { cwd: join(root, 'env'), env: { ...process.env, PYTHONPATH: join(REPO, 'resources', 'python') }, encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').pop()!);
  }

  it('scores the starting model with ln(loss − 1.5), without training it', { timeout: SLOW }, () => {
    const r = scoreFull();
    const d = r.details as { loss: number; floor: number; trainSeconds?: number };
    expect(r.message).toMatch(/^valid: masked-token loss/);
    expect(d.floor).toBe(1.5);
    expect(d.trainSeconds).toBeUndefined();
    expect(r.score).toBeCloseTo(Math.log(d.loss - 1.5), 6);
  });

  it('applies the same restriction', { timeout: SLOW }, () => {
    writeFileSync(join(ws, 'model.py'), readFileSync(join(ws, 'model.py'), 'utf8').replace('torch.relu(', 'torch.sigmoid('));
    const r = scoreFull();
    expect(r.score).toBeNull();
    expect((r.details as { code: string }).code).toBe('FORBIDDEN_OP');
  });
});
