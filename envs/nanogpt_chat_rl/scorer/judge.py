"""Pairwise judging for nanogpt_chat_rl: an LLM judge compares the expert's answer with the baseline's, prompt by
prompt, in an order drawn at random for each comparison; the win rate counts ties as half.

    python3 judge.py --prompts P.jsonl --candidate C.jsonl --baseline B.jsonl [--seed N] [--out verdicts.jsonl]

Each .jsonl line is {"id", "prompt"} or {"id", "answer"}. The judge is an OpenAI-compatible chat-completions
endpoint: JUDGE_API_BASE (e.g. https://host/v1), JUDGE_API_KEY and JUDGE_MODEL from the environment. Prints one JSON
line (redesk_envkit.emit): score = win rate of the candidate.
"""
import argparse
import json
import os
import random
import re
import sys
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True

# The formats live in the starter (the expert's copy documents them); the scorer reads the environment's own copy.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "starter"))
from chat_format import JUDGE_TEMPLATE  # noqa: E402

VERDICT = re.compile(r"\b(A|B|TIE)\b")


class JudgeError(Exception):
    """The judge could not be reached or kept answering nonsense."""


def parse_verdict(text):
    """'A', 'B' or 'TIE' from the judge's reply (the first such word), or None."""
    m = VERDICT.search((text or "").strip().upper())
    return m.group(1) if m else None


def outcome(verdict, candidate_first):
    """The candidate's points for one comparison: 1 win, 0.5 tie, 0 loss."""
    if verdict == "TIE":
        return 0.5
    return 1.0 if (verdict == "A") == candidate_first else 0.0


def win_rate(points):
    return sum(points) / len(points) if points else float("nan")


class HttpJudge:
    """An OpenAI-compatible /chat/completions client with a few retries; temperature 0."""

    def __init__(self, base, key, model, timeout=60.0, retries=3):
        if not base or not model:
            raise JudgeError("JUDGE_API_BASE and JUDGE_MODEL must be set (the organizer's judge endpoint)")
        self.url = base.rstrip("/") + "/chat/completions"
        self.key, self.model, self.timeout, self.retries = key, model, timeout, retries

    def __call__(self, message):
        body = json.dumps({"model": self.model, "temperature": 0, "max_tokens": 5,
                           "messages": [{"role": "user", "content": message}]}).encode()
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = "Bearer " + self.key
        last = None
        for attempt in range(self.retries):
            try:
                req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    doc = json.loads(resp.read().decode("utf-8"))
                return doc["choices"][0]["message"]["content"]
            except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as e:
                last = e
                time.sleep(min(8.0, 0.5 * 2 ** attempt))
        raise JudgeError("the judge at %s failed %d times; last error: %s" % (self.url, self.retries, last))


def judge_all(prompts, candidate, baseline, ask, rng):
    """Verdict rows for every prompt id, in prompt order. An unparseable reply is asked once more, then a tie."""
    rows = []
    for pid, prompt in prompts:
        cand, base = candidate.get(pid, ""), baseline[pid]
        candidate_first = rng.random() < 0.5
        a, b = (cand, base) if candidate_first else (base, cand)
        message = JUDGE_TEMPLATE.format(prompt=prompt, a=a, b=b)
        verdict = parse_verdict(ask(message))
        unparsed = verdict is None
        if unparsed:
            verdict = parse_verdict(ask(message)) or "TIE"
        rows.append({"id": pid, "candidateFirst": candidate_first, "verdict": verdict,
                     "points": outcome(verdict, candidate_first), "unparsed": unparsed})
    return rows


def read_jsonl(path, field):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append((str(row["id"]), str(row[field])))
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError("%s line %d: expected {\"id\", \"%s\"}: %s" % (path, n, field, e))
    return out


def summarize(rows):
    points = [r["points"] for r in rows]
    return {"winRate": win_rate(points), "comparisons": len(rows),
            "wins": sum(1 for p in points if p == 1.0), "ties": sum(1 for p in points if p == 0.5),
            "losses": sum(1 for p in points if p == 0.0),
            "candidateFirst": sum(1 for r in rows if r["candidateFirst"]),
            "unparsedVerdicts": sum(1 for r in rows if r["unparsed"])}


def main(argv=None):
    from redesk_envkit import invalid

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", required=True)
    parser.add_argument("--candidate", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--seed", type=int, default=None, help="order seed (default: fresh randomness, recorded)")
    parser.add_argument("--out", default=None, help="write each verdict here")
    args = parser.parse_args(argv)
    try:
        prompts = read_jsonl(args.prompts, "prompt")
        baseline = dict(read_jsonl(args.baseline, "answer"))
        candidate = dict(read_jsonl(args.candidate, "answer"))
    except (OSError, ValueError) as e:
        return invalid("invalid: %s" % e, "BAD_INPUT")
    judge_and_emit(prompts, candidate, baseline, seed=args.seed, out=args.out)


def judge_and_emit(prompts, candidate, baseline, seed=None, out=None):
    """Judge every prompt against the judge in JUDGE_API_* and print the scorer's result line."""
    from redesk_envkit import emit, invalid

    seed = seed if seed is not None else random.SystemRandom().randrange(1 << 62)
    missing = [pid for pid, _ in prompts if pid not in baseline]
    if missing:
        return invalid("the baseline answers lack prompts %s (an organizer problem)" % missing[:5], "ASSET_UNREADABLE")
    try:
        ask = HttpJudge(os.environ.get("JUDGE_API_BASE"), os.environ.get("JUDGE_API_KEY"), os.environ.get("JUDGE_MODEL"))
        rows = judge_all(prompts, candidate, baseline, ask, random.Random(seed))
    except JudgeError as e:
        return invalid("not scored: %s" % e, "JUDGE_UNAVAILABLE")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)
    details = dict(summarize(rows), seed=seed)
    emit(details["winRate"], "win rate %.3f against the baseline over %d prompts (%d wins, %d ties, %d losses)"
         % (details["winRate"], details["comparisons"], details["wins"], details["ties"], details["losses"]), details)

if __name__ == "__main__":
    main()
