import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../main/node/patching/import/safetensors';
import { gpt2Dict, randomWeights } from '../../main/node/patching/import/testFixtures';
import { BpeTokenizer } from '../../main/node/patching/model/bpeTokenizer';
import { referenceForward } from '../../main/node/patching/model/referenceForward';
import { tensor, type ModelConfig, type ModelWeights } from '../../main/node/patching/model/weights';
import { envDir, REPO, SYSTEM_PYTHON } from './envScoring';

/**
 * nanogpt_chat_rl's generation, which the scorer runs with redesk_envkit.gpt2 (plain PyTorch, no transformers):
 * a random GPT-2 in the Hugging Face layout gives the TypeScript reference forward pass's logits, its tokenizer the
 * explorer's tokenizer's ids, and score.py answers every held-out prompt with it inside the guard, then judges.
 * Needs torch in /usr/bin/python3 (Debian's python3-torch; CI installs it).
 */
const KIT = join(REPO, 'resources', 'python');
const pyEnv = { ...process.env, PYTHONPATH: KIT, PYTHONDONTWRITEBYTECODE: '1' };
const hasTorch = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch'], { env: pyEnv }).status === 0;

// A byte-level BPE of 256 bytes, three merges and <|endoftext|>; the model's vocab matches it.
const MERGES = ['h e', 'Ġ t', 'Ġt he'];
const V = 256 + MERGES.length + 1;
const cfg: ModelConfig = { layers: 2, heads: 2, dModel: 16, dHead: 8, context: 160, vocabSize: V, mlp: true, normalization: 'layernorm', positional: 'learned' };

function py(code: string, cwd = REPO): string {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', code], { cwd, env: pyEnv, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  return r.stdout;
}

/** GPT-2 ties the output to the embedding and has no output bias. */
function tied(w: ModelWeights): ModelWeights {
  const { dModel: d } = w.config;
  const U = new Float32Array(d * V);
  for (let t = 0; t < V; t++) for (let i = 0; i < d; i++) U[i * V + t] = w.W_E.data[t * d + i]!;
  return { ...w, W_U: tensor([d, V], U), b_U: tensor([V]) };
}

function writeModel(dir: string, w: ModelWeights, prefix: string, tie: boolean): void {
  mkdirSync(dir, { recursive: true });
  const config = { model_type: 'gpt2', n_layer: cfg.layers, n_head: cfg.heads, n_embd: cfg.dModel, n_positions: cfg.context, vocab_size: V, layer_norm_epsilon: 1e-5 };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(gpt2Dict(w, prefix, tie)));
}

let root: string;
let tokenizerJson: unknown;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-nanogpt-'));
  if (!hasTorch) return;
  // The byte characters come from the Python module itself (its bytes_to_unicode); the explorer's tokenizer must agree.
  const chars = JSON.parse(py('import json\nfrom redesk_envkit.gpt2 import _byte_maps\nprint(json.dumps([_byte_maps()[0][b] for b in range(256)]))')) as string[];
  const vocab: Record<string, number> = Object.fromEntries(chars.map((c, i) => [c, i]));
  MERGES.forEach((m, i) => (vocab[m.replace(' ', '')] = 256 + i));
  tokenizerJson = { model: { type: 'BPE', vocab, merges: MERGES }, added_tokens: [{ id: V - 1, content: '<|endoftext|>' }] };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The tokenizer as GPT-2's own files: vocab.json (with <|endoftext|>) and merges.txt with its version line. */
function writeVocabAndMerges(dir: string): void {
  const t = tokenizerJson as { model: { vocab: Record<string, number> } };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ ...t.model.vocab, '<|endoftext|>': V - 1 }));
  writeFileSync(join(dir, 'merges.txt'), ['#version: 0.2', ...MERGES].join('\n') + '\n');
}

describe.skipIf(!hasTorch)('redesk_envkit.gpt2 (needs torch in /usr/bin/python3)', () => {
  const tokens = [84, 104, 258, 32, 257, 101, 10, 259, 3, 200, 256, 40];

  it.each([
    ['tied, with the transformer. prefix', 'transformer.', true],
    ['with its own lm_head, no prefix', '', false],
  ] as const)('gives the TypeScript reference logits (%s), with and without its key/value cache', (_, prefix, tie) => {
    const w0 = randomWeights(cfg, 21);
    const w = tie ? tied(w0) : { ...w0, b_U: tensor([V]) };
    const dir = join(root, `model-${prefix || 'plain'}`);
    writeModel(dir, w, prefix, tie);
    const out = JSON.parse(
      py(`import json, torch\nfrom redesk_envkit import gpt2\nm = gpt2.load_model(${JSON.stringify(dir)})\nids = ${JSON.stringify(tokens)}\n` +
        'full, _ = m.forward(ids)\nstep, cache = m.forward(ids[:5])\nrows = [step]\n' +
        'for t in ids[5:]:\n    s, cache = m.forward([t], cache)\n    rows.append(s)\n' +
        'inc = torch.cat(rows)\nprint(json.dumps({"logits": full.flatten().tolist(), "cacheDiff": float((full - inc).abs().max())}))'),
    ) as { logits: number[]; cacheDiff: number };
    const want = referenceForward(w, tokens).logits;
    expect(out.logits.length).toBe(want.length);
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(out.logits[i]! - want[i]!));
    expect(diff).toBeLessThan(1e-4);
    expect(out.cacheDiff).toBeLessThan(1e-5);
  });

  it("tokenizes as the explorer's GPT-2 tokenizer does, and decodes back to the text", () => {
    const texts = ['the theme then', 'Human: hello there\n\nAssistant:', 'héllo_wörld 12 ’s it’s <|endoftext|>x', '  two  spaces\tand tab'];
    const dir = join(root, 'tok');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
    const got = JSON.parse(
      py(`import json\nfrom redesk_envkit.gpt2 import Tokenizer\nt = Tokenizer.from_dir(${JSON.stringify(dir)})\n` +
        `print(json.dumps([[t.encode(x), t.decode(t.encode(x))] for x in ${JSON.stringify(texts)}]))`),
    ) as [number[], string][];
    const ts = new BpeTokenizer(tokenizerJson);
    texts.forEach((text, i) => {
      expect(got[i]![0]).toEqual(ts.encode(text).ids);
      expect(got[i]![1]).toBe(text);
    });
    expect(got[0]![0]).toEqual([116, 256, 258, 109, 101, 258, 110]); // "t", "he", " the", "m", "e", " the", "n"
    // The same tokenizer as vocab.json and merges.txt (the files the environment pins) gives the same ids.
    const pair = join(root, 'tok-pair');
    writeVocabAndMerges(pair);
    const fromPair = JSON.parse(
      py(`import json\nfrom redesk_envkit.gpt2 import Tokenizer\nt = Tokenizer.from_dir(${JSON.stringify(pair)})\nprint(json.dumps([t.encode(x) for x in ${JSON.stringify(texts.slice(0, 3))}] + [t.eos_id]))`),
    ) as unknown[];
    expect(fromPair).toEqual([got[0]![0], got[1]![0], got[2]![0], V - 1]);
  });
});

describe.skipIf(!hasTorch)('nanogpt_chat_rl scoring a model for real (needs torch in /usr/bin/python3)', () => {
  let server: Server;
  let base: string;
  const judged: string[] = [];

  beforeAll(async () => {
    // A judge that calls every pair a tie, and keeps what it was shown.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        judged.push(JSON.parse(body).messages[0].content as string);
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'TIE' } }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers every held-out prompt with model/ inside the guard, greedily, and judges the answers', { timeout: 240_000 }, async () => {
    const ws = join(root, 'ws');
    const assets = join(root, 'assets');
    writeModel(join(ws, 'model'), tied(randomWeights(cfg, 5)), 'transformer.', true);
    mkdirSync(join(assets, 'gpt2'), { recursive: true });
    // model/ has no tokenizer: the base model's (assets/gpt2: vocab.json and merges.txt, as pinned) is used.
    writeVocabAndMerges(join(assets, 'gpt2'));
    const N = 4;
    const rows = (f: (i: number) => object) => Array.from({ length: N }, (_, i) => JSON.stringify(f(i))).join('\n') + '\n';
    writeFileSync(join(assets, 'eval_prompts.jsonl'), rows((i) => ({ id: `p${i}`, prompt: `the question ${i}` })));
    writeFileSync(join(assets, 'baseline_answers.jsonl'), rows((i) => ({ id: `p${i}`, answer: `base answer ${i}` })));
    const { stdout } = await promisify(execFile)(SYSTEM_PYTHON, [join('scorer', 'score.py'), '--workspace', ws, '--assets', assets], {
      cwd: envDir('nanogpt_chat_rl'),
      env: { ...pyEnv, JUDGE_API_BASE: base, JUDGE_API_KEY: 'k', JUDGE_MODEL: 'fake' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { score: number | null; message: string; details: Record<string, unknown> };
    expect(r.score, r.message).toBe(0.5);
    expect(r.details).toMatchObject({ comparisons: N, ties: N });
    const answers = readFileSync(join(ws, '.score_answers.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; answer: string });
    expect(answers.map((a) => a.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
    // The answers are the model's own greedy continuations, as generate_greedy gives them outside the guard.
    const direct = JSON.parse(
      py(`import json\nfrom redesk_envkit import gpt2\nm = gpt2.load_model(${JSON.stringify(join(ws, 'model'))})\nt = gpt2.Tokenizer.from_dir(${JSON.stringify(join(assets, 'gpt2'))})\n` +
        `print(json.dumps([gpt2.generate_greedy(m, t, "Human: the question %d\\n\\nAssistant:" % i, 128, "\\n\\nHuman:").strip() for i in range(${N})]))`),
    ) as string[];
    expect(answers.map((a) => a.answer)).toEqual(direct);
    expect(direct.join('').length).toBeGreaterThan(0);
    expect(judged.some((m) => m.includes(answers[0]!.answer))).toBe(true);
  });
});
