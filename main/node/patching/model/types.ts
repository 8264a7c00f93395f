import type { ModelSpec } from '../../../common/patching/modelSchema';
import type { TokenizedText } from '../../../common/patching/types';

/** A model folder that passed validation: model.json and every ONNX part checked against it. */
export interface LoadedModel {
  spec: ModelSpec;
  /** Absolute path of the folder. */
  dir: string;
  /** Absolute paths of the ONNX parts. */
  parts: { embed: string; attn: string[]; mlp: string[]; unembed: string };
  /**
   * Whether the attention parts take queries for the last positions only (q_in of its own length `qpos`, see
   * buildAttnPart). Folders written before that have q_in as long as k_in: they still work, at full length.
   */
  queryTail: boolean;
}

export interface Tokenizer {
  /** Text → token ids and each token's text; an unknown token is MODEL_UNKNOWN_TOKEN. */
  encode(text: string): TokenizedText;
  decode(ids: number[]): string;
  /** The text of one token id (for labels such as answer tokens). */
  tokenText(id: number): string;
  vocabSize: number;
}
