"""Answers every evaluation prompt with the workspace's model (run by score.py in a guarded child process).

    generate.py --model <workspace>/model --prompts P.jsonl --out answers.jsonl [--tokenizer DIR]

The format the scorer uses, and the expert should train for: the prompt is given as
    "Human: {prompt}\n\nAssistant:"
and the reply is decoded greedily, at most MAX_NEW_TOKENS tokens, cut at the first "\n\nHuman:" or end of text.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
# The environment's own copy of the formats (the scorer lets this process read that one file).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "starter"))
from chat_format import MAX_NEW_TOKENS, PROMPT_TEMPLATE as TEMPLATE, STOP  # noqa: E402

MAX_PROMPT_TOKENS = 1024 - MAX_NEW_TOKENS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--prompts", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tokenizer", default=None)
    args = parser.parse_args()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tok_dir = args.model if os.path.exists(os.path.join(args.model, "tokenizer.json")) or not args.tokenizer else args.tokenizer
    tokenizer = AutoTokenizer.from_pretrained(tok_dir)
    model = AutoModelForCausalLM.from_pretrained(args.model, use_safetensors=True).to(device).eval()
    with open(args.prompts, encoding="utf-8") as f:
        prompts = [json.loads(line) for line in f if line.strip()]
    with open(args.out, "w", encoding="utf-8") as out, torch.no_grad():
        for row in prompts:
            ids = tokenizer(TEMPLATE.format(prompt=row["prompt"]), return_tensors="pt").input_ids[:, -MAX_PROMPT_TOKENS:]
            gen = model.generate(ids.to(device), max_new_tokens=MAX_NEW_TOKENS, do_sample=False,
                                 pad_token_id=tokenizer.eos_token_id)
            text = tokenizer.decode(gen[0, ids.shape[1]:], skip_special_tokens=True)
            out.write(json.dumps({"id": row["id"], "answer": text.split(STOP)[0].strip()}) + "\n")


if __name__ == "__main__":
    main()
