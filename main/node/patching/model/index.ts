/** The model side of the path-patching explorer: model folders, their validation, tokenizers, and listing. */
export { loadModelDir, readModelSpec } from './loadModelDir';
export { listModels } from './listModels';
export { loadTokenizer, VocabTokenizer } from './tokenizer';
export { BpeTokenizer } from './bpeTokenizer';
export type { LoadedModel, Tokenizer } from './types';
export type { ModelSpec } from '../../../common/patching/modelSchema';
