"""Answers every evaluation prompt with the workspace's model (run by score.py in a guarded child process).

    generate.py --model <workspace>/model --prompts P.jsonl --out answers.jsonl [--tokenizer DIR] [--format JSON]

The format the scorer uses, and the expert should train for (starter/chat_format.py): the prompt is given as
    "Human: {prompt}\n\nAssistant:"
and the reply is decoded greedily, at most MAX_NEW_TOKENS tokens, cut at the first "\n\nHuman:" or end of text.
The model runs with redesk_envkit.gpt2 (plain PyTorch, on a GPU where there is one), not transformers, so scoring
gives the same answers wherever it runs. score.py passes the format with --format (the guard lets this process read
nothing in the environment folder); run by hand, it is read from ../starter/chat_format.py.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True

from redesk_envkit import gpt2  # noqa: E402


def chat_format():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "starter"))
    import chat_format as cf

    return {"template": cf.PROMPT_TEMPLATE, "max_new_tokens": cf.MAX_NEW_TOKENS, "stop": cf.STOP}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--prompts", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tokenizer", default=None, help="where the tokenizer is when model/ has none")
    parser.add_argument("--format", default=None, help='{"template", "max_new_tokens", "stop"} as JSON')
    args = parser.parse_args()
    fmt = json.loads(args.format) if args.format else chat_format()
    import torch

    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    has_tokenizer = any(os.path.isfile(os.path.join(args.model, f)) for f in ("tokenizer.json", "vocab.json"))
    try:
        tokenizer = gpt2.Tokenizer.from_dir(args.model if has_tokenizer or not args.tokenizer else args.tokenizer)
        model = gpt2.load_model(args.model, device)
    except gpt2.ModelError as e:
        sys.exit("model/ cannot be used: %s" % e)
    with open(args.prompts, encoding="utf-8") as f:
        prompts = [json.loads(line) for line in f if line.strip()]
    with open(args.out, "w", encoding="utf-8") as out:
        for row in prompts:
            text = gpt2.generate_greedy(model, tokenizer, fmt["template"].format(prompt=row["prompt"]),
                                        int(fmt["max_new_tokens"]), fmt["stop"])
            out.write(json.dumps({"id": row["id"], "answer": text.strip()}) + "\n")


if __name__ == "__main__":
    main()
