#!/bin/bash
# Finetunes deepseek-coder-1.3b-base on train_data.jsonl with LLM Foundry and writes the result to trained_model/.
# The scorer runs exactly this file (bash finetune.sh) with ASSETS_DIR set; it must keep working from a clean
# workspace (no finetuning_tokens/, ftout/ or trained_model/ left from earlier runs).
set -euo pipefail
cd "$(dirname "$0")"
: "${ASSETS_DIR:?set ASSETS_DIR to the environment's assets folder}"
: "${LLM_FOUNDRY:=$ASSETS_DIR/llm-foundry}"
BASE_MODEL="$ASSETS_DIR/deepseek-coder-1.3b-base"

rm -rf finetuning_tokens ftout trained_model

# 1. Tokenize the training data into MDS shards.
python "$LLM_FOUNDRY/scripts/data_prep/convert_finetuning_dataset.py" \
  --dataset json --splits train --data_files "$ASSETS_DIR/train_data.jsonl" \
  --out_root finetuning_tokens --skip-preprocessing --max_seq_len 4096 --tokenizer "$BASE_MODEL"
cp -r finetuning_tokens/train finetuning_tokens/valid

# 2. One epoch of full finetuning on 4 GPUs (FSDP).
composer "$LLM_FOUNDRY/scripts/train/train.py" finetune.yaml \
  data_local=finetuning_tokens model_name_or_path="$BASE_MODEL" \
  train_loader.dataset.split=train eval_loader.dataset.split=valid eval_interval=0 save_folder=ftout

# 3. Convert the last Composer checkpoint to a Hugging Face model.
python "$LLM_FOUNDRY/scripts/inference/convert_composer_to_hf.py" \
  --composer_path ftout/latest-rank0.pt --hf_output_path trained_model --output_precision bf16

find . -type d -name "tokenizer-save-dir-*" -prune -exec rm -rf {} +
