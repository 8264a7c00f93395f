import ort from 'onnxruntime-node';
const p = process.argv[2];
for (const th of [1, 2]) {
const s = await ort.InferenceSession.create(p, { intraOpNumThreads: th, graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: process.env.SPIN ?? '1' } } } });
const res = {};
for (let rep = 0; rep < 3; rep++) for (const b of [1, 4, 16, 27]) {
  const x = new ort.Tensor('float32', new Float32Array(b * 64 * 4 * 64).map(() => Math.random()), [b, 64, 4, 64]);
  const t = performance.now();
  for (let i = 0; i < 5; i++) await s.run({ q_in: x, k_in: x, v_in: x });
  const ms = (performance.now() - t) / 5;
  res[b] = Math.min(res[b] ?? 1e9, ms);
}
console.log('threads', th, Object.entries(res).map(([b, ms]) => `b${b}: ${ms.toFixed(2)}ms (${(ms / b).toFixed(2)}/row)`).join('  '));
}
