import type { ElemType, OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnxModel';

/** Opset and IR version of every part: opset 17 (LayerNormalization, Shape start/end) needs IR 8. */
export const OPSET = 17;
export const IR_VERSION = 8;

type AttrValue = number | string | number[] | { int: number } | OnnxTensor;

/**
 * Builds one ONNX graph node by node; intermediate values get unique names. Attributes: a JS number is a float
 * unless given as { int: n }; arrays are ints.
 */
export class GraphBuilder {
  private nodes: OnnxNode[] = [];
  private initializers: OnnxTensor[] = [];
  private inputs: OnnxValueInfo[] = [];
  private outputs: OnnxValueInfo[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, elemType: ElemType, dims: (number | string)[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: ElemType, dims: (number | string)[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  /** A float32 constant (weights, scalars). */
  float(name: string, dims: number[], data: Float32Array | number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    this.initializers.push({ name, dims, data: values });
    return name;
  }

  int64(name: string, dims: number[], data: number[]): string {
    this.initializers.push({ name, dims, data: BigInt64Array.from(data.map(BigInt)) });
    return name;
  }

  /** Adds a node and returns its (first) output; `out` names the output when it is a graph output. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out?: string): string {
    const output = out ?? `${opType.toLowerCase()}_${this.counter++}`;
    const attributes: OnnxAttribute[] = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'number') return { name, kind: 'float', value: v };
      if (typeof v === 'string') return { name, kind: 'string', value: v };
      if (Array.isArray(v)) return { name, kind: 'ints', value: v };
      if ('int' in v) return { name, kind: 'int', value: v.int };
      return { name, kind: 'tensor', value: v };
    });
    this.nodes.push({ opType, inputs, outputs: [output], name: output, attributes });
    return output;
  }

  model(producer: string): OnnxModel {
    return {
      irVersion: IR_VERSION,
      opset: OPSET,
      producer,
      graph: { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs },
    };
  }
}
