/**
 * Node names and paths of the path-patching explorer (main/common/patching/types.ts gives the naming): parsing a
 * typed path such as `embed>L0H0>L1H0.k>logits`, checking it against the model's shape, and turning a sweep cell
 * into the path it measured.
 */
import type { HeadChannel } from '../../../main/common/patching/types';

export type PathNode =
  | { kind: 'embed' }
  | { kind: 'head'; layer: number; head: number; channel?: HeadChannel }
  | { kind: 'mlp'; layer: number }
  | { kind: 'logits' };

/** The part of a ModelSummary that decides which node names exist. */
export interface ModelShape {
  layers: number;
  heads: number;
  mlp: boolean;
}

export function parseNode(name: string): PathNode | null {
  if (name === 'embed') return { kind: 'embed' };
  if (name === 'logits') return { kind: 'logits' };
  const head = /^L(\d+)H(\d+)(?:\.([qkv]))?$/.exec(name);
  if (head) {
    const node: PathNode = { kind: 'head', layer: Number(head[1]), head: Number(head[2]) };
    if (head[3]) node.channel = head[3] as HeadChannel;
    return node;
  }
  const mlp = /^L(\d+)\.mlp$/.exec(name);
  if (mlp) return { kind: 'mlp', layer: Number(mlp[1]) };
  return null;
}

/**
 * Where a node reads the residual stream, in the order of the forward pass: the embedding first, then each layer's
 * heads, then its MLP (which reads the heads of its own layer), the logits last.
 */
export function nodeOrder(node: PathNode): number {
  switch (node.kind) {
    case 'embed':
      return -1;
    case 'head':
      return 2 * node.layer;
    case 'mlp':
      return 2 * node.layer + 1;
    case 'logits':
      return Number.POSITIVE_INFINITY;
  }
}

/** The layer a node belongs to, or null for embed and logits (used to group the heatmap's columns). */
export function nodeLayer(name: string): number | null {
  const node = parseNode(name);
  return node && (node.kind === 'head' || node.kind === 'mlp') ? node.layer : null;
}

function checkInShape(name: string, node: PathNode, shape: ModelShape): string | null {
  if (node.kind !== 'head' && node.kind !== 'mlp') return null;
  if (node.layer >= shape.layers) return `${name}: the model has ${shape.layers} layer(s), L0 to L${shape.layers - 1}`;
  if (node.kind === 'head' && node.head >= shape.heads) return `${name}: the model has ${shape.heads} head(s) per layer, H0 to H${shape.heads - 1}`;
  if (node.kind === 'mlp' && !shape.mlp) return `${name}: this model is attention-only (no MLPs)`;
  return null;
}

export type ParsedPath = { ok: true; path: string[] } | { ok: false; error: string };

/**
 * A path typed by the user: node names separated by `>` or `→` (spaces allowed), from `embed` to `logits`, each
 * step reading a later point of the residual stream than the one before.
 */
export function parsePath(text: string, shape: ModelShape): ParsedPath {
  const names = text
    .split(/>|→|->/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) return { ok: false, error: 'Type a path such as embed>L0H0>L1H0.k>logits' };
  const nodes: PathNode[] = [];
  for (const name of names) {
    const node = parseNode(name);
    if (!node) return { ok: false, error: `Unknown node "${name}": use embed, L0H1, L1H0.q|k|v, L0.mlp or logits` };
    const outOfShape = checkInShape(name, node, shape);
    if (outOfShape) return { ok: false, error: outOfShape };
    nodes.push(node);
  }
  if (nodes[0]!.kind !== 'embed') return { ok: false, error: 'A path starts at embed' };
  if (nodes[nodes.length - 1]!.kind !== 'logits') return { ok: false, error: 'A path ends at logits' };
  if (nodes.length < 2) return { ok: false, error: 'A path needs at least embed and logits' };
  for (let i = 1; i < nodes.length; i++) {
    if (nodeOrder(nodes[i]!) <= nodeOrder(nodes[i - 1]!)) {
      return { ok: false, error: `${names[i - 1]} cannot feed ${names[i]}: each step must read a later layer (an MLP may read its own layer's heads)` };
    }
  }
  return { ok: true, path: names };
}

/** How a path is written: the same form parsePath reads. */
export function formatPath(path: readonly string[]): string {
  return path.join('>');
}

/**
 * The path a sweep cell measured: the sender (computed on the counterfactual) writing into the receiver's input, and
 * on to the logits. A head sender named bare stands for all three of its inputs, as in the paper's sender set.
 */
export function cellPath(sender: string, receiver: string): string[] {
  const path = sender === 'embed' ? ['embed'] : ['embed', sender];
  if (receiver !== 'logits') path.push(receiver);
  path.push('logits');
  return path;
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Whether a sweep cell also counts routes through other nodes (into the sender after the embedding, or from the
 * receiver's node on to the logits): then the direct path `cellPath` gives is only part of what the cell measured.
 */
export function cellHasIndirectRoutes(sender: string, receiver: string, shape: ModelShape): boolean {
  const s = parseNode(sender);
  const r = parseNode(receiver);
  if (!s || !r) return false;
  const last = shape.mlp ? 2 * (shape.layers - 1) + 1 : 2 * (shape.layers - 1);
  const into = s.kind !== 'embed' && nodeOrder(s) > 0;
  const onward = r.kind !== 'logits' && nodeOrder(r) < last;
  return into || onward;
}
