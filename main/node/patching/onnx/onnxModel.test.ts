import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './GraphBuilder';
import { decodeOnnxModel, encodeOnnxModel } from './onnxModel';
import { ProtoWriter, asInt, readFields } from './protobuf';

describe('protobuf', () => {
  it('writes negative int64 as 10-byte two\'s complement varints and reads them back', () => {
    const bytes = new ProtoWriter().varint(3, -1).varint(4, 300).finish();
    expect(bytes.length).toBe(1 + 10 + 1 + 2);
    const f = readFields(bytes);
    expect(f.map(asInt)).toEqual([-1, 300]);
  });

  it('refuses bytes that are not a message', () => {
    expect(() => readFields(Uint8Array.from([0x0a, 0x05, 0x01]))).toThrow(/runs past the end/);
    expect(() => readFields(Uint8Array.from([0x0f]))).toThrow(/wire type/);
  });
});

describe('ONNX model encoding', () => {
  it('round-trips a graph: inputs with symbolic dims, nodes with every attribute kind, initializers', () => {
    const g = new GraphBuilder('test');
    const x = g.input('x', 'float32', ['batch', 'pos', 5]);
    const w = g.float('w', [5, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const idx = g.int64('idx', [2], [-1, 7]);
    const y = g.op('MatMul', [x, w]);
    g.op('Softmax', [y], { axis: { int: -1 }, scale: 0.5, equation: 'ab->ba', perm: [1, -2] }, 'out');
    g.output('out', 'float32', ['batch', 'pos', 2]);
    const model = g.model('redesk-test');
    const back = decodeOnnxModel(encodeOnnxModel(model));
    expect(back.irVersion).toBe(8);
    expect(back.opset).toBe(17);
    expect(back.producer).toBe('redesk-test');
    expect(back.graph.inputs).toEqual([{ name: 'x', elemType: 'float32', dims: ['batch', 'pos', 5] }]);
    expect(back.graph.outputs).toEqual([{ name: 'out', elemType: 'float32', dims: ['batch', 'pos', 2] }]);
    expect(back.graph.nodes.map((n) => n.opType)).toEqual(['MatMul', 'Softmax']);
    expect(back.graph.nodes[1]!.attributes).toEqual([
      { name: 'axis', kind: 'int', value: -1 },
      { name: 'scale', kind: 'float', value: 0.5 },
      { name: 'equation', kind: 'string', value: 'ab->ba' },
      { name: 'perm', kind: 'ints', value: [1, -2] },
    ]);
    expect(back.graph.initializers.find((t) => t.name === 'w')).toEqual({ name: 'w', dims: [5, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) });
    expect(back.graph.initializers.find((t) => t.name === idx)!.data).toEqual(BigInt64Array.from([-1n, 7n]));
  });

  it('says when bytes are not an ONNX model', () => {
    expect(() => decodeOnnxModel(new TextEncoder().encode('{"hello": "world"}'))).toThrow();
    expect(() => decodeOnnxModel(new Uint8Array(0))).toThrow(/not an ONNX model/);
  });
});
