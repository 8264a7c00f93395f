/**
 * The model's computational graph as the path-patching engine sees it: node names, senders and receivers of the
 * sweep, which node may read which, and path lists (parsed, checked, expanded, enumerated). Pure data, no ONNX.
 */
import { RedeskError } from '../../../common/errors';
import type { HeadChannel } from '../../../common/patching/types';

export interface GraphShape {
  layers: number;
  heads: number;
  mlp: boolean;
}

/** A node that writes to the residual stream, or the logits. */
export type GraphNode =
  | { kind: 'embed' }
  | { kind: 'head'; layer: number; head: number }
  | { kind: 'mlp'; layer: number }
  | { kind: 'logits' };

/** A node input: a head's Q, K or V, an MLP's input, or the unembedding's input. */
export type Receiver =
  | { kind: 'head'; layer: number; head: number; channel: HeadChannel }
  | { kind: 'mlp'; layer: number }
  | { kind: 'logits' };

export const CHANNELS: readonly HeadChannel[] = ['q', 'k', 'v'];

export function nodeName(n: GraphNode): string {
  if (n.kind === 'head') return `L${n.layer}H${n.head}`;
  if (n.kind === 'mlp') return `L${n.layer}.mlp`;
  return n.kind;
}

export function receiverName(r: Receiver): string {
  return r.kind === 'head' ? `L${r.layer}H${r.head}.${r.channel}` : nodeName(r);
}

/** The node a receiver belongs to. */
export function receiverNode(r: Receiver): GraphNode {
  return r.kind === 'head' ? { kind: 'head', layer: r.layer, head: r.head } : r;
}

/** Sweep rows, in node order: embed, L0H0…, L0.mlp, L1H0…, … */
export function senders(g: GraphShape): GraphNode[] {
  const out: GraphNode[] = [{ kind: 'embed' }];
  for (let l = 0; l < g.layers; l++) {
    for (let h = 0; h < g.heads; h++) out.push({ kind: 'head', layer: l, head: h });
    if (g.mlp) out.push({ kind: 'mlp', layer: l });
  }
  return out;
}

/** Sweep columns, in node order: L0H0.q, L0H0.k, L0H0.v, …, L0.mlp, …, logits. */
export function receivers(g: GraphShape): Receiver[] {
  const out: Receiver[] = [];
  for (let l = 0; l < g.layers; l++) {
    for (let h = 0; h < g.heads; h++) for (const channel of CHANNELS) out.push({ kind: 'head', layer: l, head: h, channel });
    if (g.mlp) out.push({ kind: 'mlp', layer: l });
  }
  out.push({ kind: 'logits' });
  return out;
}

/** Position in node order: embed 0, then per layer the heads, then the MLP; logits last. */
function rank(g: GraphShape, n: GraphNode): number {
  const perLayer = g.heads + 1;
  if (n.kind === 'embed') return 0;
  if (n.kind === 'head') return 1 + n.layer * perLayer + n.head;
  if (n.kind === 'mlp') return 1 + n.layer * perLayer + g.heads;
  return 1 + g.layers * perLayer;
}

/** Whether `to` reads `from`'s write to the residual stream (heads of one layer do not read each other). */
export function reads(g: GraphShape, from: GraphNode, to: GraphNode): boolean {
  if (from.kind === 'logits' || to.kind === 'embed') return false;
  if (from.kind === 'embed' || to.kind === 'logits') return true;
  if (from.kind === 'head' && to.kind === 'head') return from.layer < to.layer;
  return rank(g, from) < rank(g, to);
}

export function parseNode(g: GraphShape, name: string): GraphNode | Receiver {
  const bad = (why: string): never => {
    throw new RedeskError('PATCH_BAD_PATH', `"${name}" is not a node of this model: ${why}`, {
      hint: 'Nodes are embed, L{layer}H{head}, L{layer}H{head}.q|k|v, L{layer}.mlp and logits.',
    });
  };
  if (name === 'embed' || name === 'logits') return { kind: name };
  const m = /^L(\d+)(?:H(\d+)(?:\.([qkv]))?|\.mlp)$/.exec(name);
  if (!m) return bad('unknown name');
  const layer = Number(m[1]);
  if (layer >= g.layers) return bad(`the model has ${g.layers} layers`);
  if (m[2] === undefined) {
    if (!g.mlp) return bad('the model has no MLPs');
    return { kind: 'mlp', layer };
  }
  const head = Number(m[2]);
  if (head >= g.heads) return bad(`the model has ${g.heads} heads per layer`);
  return m[3] ? { kind: 'head', layer, head, channel: m[3] as HeadChannel } : { kind: 'head', layer, head };
}

/** The node of a receiver name ("L1H0.k" → L1H0; "L0.mlp"; "logits"). */
export function nodeOf(g: GraphShape, name: string): GraphNode {
  const p = parseNode(g, name);
  return p.kind === 'head' ? { kind: 'head', layer: p.layer, head: p.head } : p;
}

/**
 * Checks one path and expands it into paths whose every head step names one input: a bare L{l}H{h} step means all
 * three of its inputs. Each expanded path is the list of receiver names after "embed", ending with "logits".
 */
export function expandPath(g: GraphShape, path: string[]): string[][] {
  const where = JSON.stringify(path);
  const fail = (why: string): never => {
    throw new RedeskError('PATCH_BAD_PATH', `path ${where}: ${why}`, { where });
  };
  if (!Array.isArray(path) || path.length < 2) return fail('a path needs at least "embed" and "logits"');
  if (path[0] !== 'embed') fail('must start with "embed"');
  if (path[path.length - 1] !== 'logits') fail('must end with "logits"');
  let prev: GraphNode = { kind: 'embed' };
  let out: string[][] = [[]];
  for (const step of path.slice(1)) {
    if (typeof step !== 'string') fail('every step must be a node name');
    const p = parseNode(g, step);
    const node: GraphNode = p.kind === 'head' ? { kind: 'head', layer: p.layer, head: p.head } : p;
    if (node.kind === 'embed') fail('"embed" can only be the first step');
    if (!reads(g, prev, node)) fail(`${nodeName(node)} does not read ${nodeName(prev)}`);
    const names = p.kind === 'head' && !('channel' in p) ? CHANNELS.map((c) => `${step}.${c}`) : [step];
    out = out.flatMap((prefix) => names.map((n) => [...prefix, n]));
    prev = node;
  }
  return out;
}

/**
 * Every path embed →* sender → receiver →* logits: the path set of one sweep cell, each path from "embed" to
 * "logits" with one input per head step. Used by the tests to check the sweep against the general path-set engine.
 */
export function cellPaths(g: GraphShape, sender: GraphNode, receiver: Receiver): string[][] {
  const all = receivers(g);
  /** Routes from a node's output to the logits, each a list of receiver names ending with "logits". */
  const out = (from: GraphNode): string[][] =>
    all.flatMap((r) => {
      if (!reads(g, from, receiverNode(r))) return [];
      return r.kind === 'logits' ? [['logits']] : out(receiverNode(r)).map((rest) => [receiverName(r), ...rest]);
    });
  /** Routes from the embedding into a node, each ending with one of that node's receivers. */
  const into = (to: GraphNode): string[][] => {
    if (to.kind === 'embed') return [[]];
    const mine = all.filter((r) => nodeName(receiverNode(r)) === nodeName(to)).map(receiverName);
    const preds = senders(g).filter((u) => reads(g, u, to));
    return mine.flatMap((recv) => preds.flatMap((u) => into(u).map((pre) => [...pre, recv])));
  };
  const tail = receiver.kind === 'logits' ? [[]] : out(receiverNode(receiver));
  return into(sender).flatMap((pre) => tail.map((post) => ['embed', ...pre, receiverName(receiver), ...post]));
}
