"""Scorer for nanogpt_chat_rl: the workspace's model answers the held-out prompts (generate.py, in a guarded child
process: it may not read the environment folder beyond what it is given, nor write outside the workspace), then an
LLM judge compares each answer with the baseline model's answer (judge.py; random order per comparison).

Raw score: the win rate against the baseline (ties count half), 0..1, higher is better.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from redesk_envkit import invalid, run_problem, run_solution  # noqa: E402

import judge  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "starter"))
import chat_format  # noqa: E402

FORMAT = json.dumps({"template": chat_format.PROMPT_TEMPLATE, "max_new_tokens": chat_format.MAX_NEW_TOKENS,
                     "stop": chat_format.STOP})

GENERATION_TIMEOUT_S = 1800


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--assets", required=True)
    args = parser.parse_args(argv)
    workspace, assets = os.path.abspath(args.workspace), os.path.abspath(args.assets)
    model_dir = os.path.join(workspace, "model")
    if not os.path.isfile(os.path.join(model_dir, "config.json")):
        return invalid("invalid: no model in model/ (a Hugging Face folder with config.json and model.safetensors)",
                       "NO_MODEL")
    prompts_path = os.path.join(assets, "eval_prompts.jsonl")
    try:
        prompts = judge.read_jsonl(prompts_path, "prompt")
        baseline = dict(judge.read_jsonl(os.path.join(assets, "baseline_answers.jsonl"), "answer"))
    except (OSError, ValueError) as e:
        return invalid("the evaluation assets cannot be read (an organizer problem): %s" % e, "ASSET_UNREADABLE")
    tmp = tempfile.mkdtemp(prefix="nanogpt-chat-")
    try:
        # The child sees the prompts through a copy, never the baseline answers.
        shutil.copy(prompts_path, os.path.join(tmp, "prompts.jsonl"))
        answers = os.path.join(workspace, ".score_answers.jsonl")
        run = run_solution(
            workspace,
            [os.path.join(HERE, "generate.py"), "--model", model_dir, "--prompts", os.path.join(tmp, "prompts.jsonl"),
             "--out", answers, "--tokenizer", os.path.join(assets, "gpt2"), "--format", FORMAT],
            timeout=GENERATION_TIMEOUT_S,
            # generate.py itself: tracebacks and warnings quote its lines.
            allow_read=[os.path.join(HERE, "generate.py"), tmp, os.path.join(assets, "gpt2")],
            preload=("numpy", "torch"),
        )
        problem = run_problem(run, "generating answers with model/")
        if problem:
            return invalid("invalid: " + problem[0], problem[1])
        candidate = dict(judge.read_jsonl(answers, "answer"))
    except (OSError, ValueError) as e:
        return invalid("invalid: the generated answers cannot be read: %s" % e, "SOLUTION_FAILED")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    judge.judge_and_emit(prompts, candidate, baseline)

if __name__ == "__main__":
    main()
