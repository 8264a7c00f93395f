"""python -m redesk_taskstd instructions|start|score ... (see __init__.py)."""
import argparse
import datetime
import json
import os
import sys

from .adapter import (
    TaskStdError,
    call,
    get_task,
    has,
    in_workspace,
    intermediate_result,
    load_family,
    number_or_none,
)

SCORES_FILE = "taskstd_scores.jsonl"


def emit(obj):
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def read_env(env_dir):
    # The app passes the family, task and submission file (a variant may pick another task); env.json otherwise.
    if os.environ.get("REDESK_TASKSTD_FAMILY") and os.environ.get("REDESK_TASKSTD_TASK"):
        return os.environ["REDESK_TASKSTD_FAMILY"], os.environ["REDESK_TASKSTD_TASK"], os.environ.get("REDESK_TASKSTD_SUBMISSION", "submission.txt")
    with open(os.path.join(env_dir, "env.json"), encoding="utf-8") as f:
        spec = json.load(f)
    ts = spec.get("taskstd") or {}
    if not ts.get("family") or not ts.get("task"):
        raise TaskStdError("TASKSTD_FAILED", "env.json of %s has no taskstd.family and taskstd.task" % env_dir)
    return os.path.join(env_dir, ts["family"]), ts["task"], ts.get("submissionFile", "submission.txt")


def cmd_instructions(a):
    family = load_family(a.family)
    task = get_task(family, a.task)
    text = call(family, "get_instructions", task)
    if not isinstance(text, str):
        raise TaskStdError("TASKSTD_BAD_RETURN", "get_instructions() returned %s, not a string" % type(text).__name__)
    emit({"ok": True, "instructions": text})


def cmd_start(a):
    family = load_family(a.family)
    installed = False
    if has(family, "install") and not os.path.exists(a.install_marker):
        # install() prepares the machine (packages, downloads): once, whichever workspace is current.
        with in_workspace(a.workspace):
            call(family, "install")
        os.makedirs(os.path.dirname(a.install_marker), exist_ok=True)
        with open(a.install_marker, "w", encoding="utf-8") as f:
            f.write(datetime.datetime.now(datetime.timezone.utc).isoformat() + "\n")
        installed = True
    task = get_task(family, a.task)
    with in_workspace(a.workspace):
        if has(family, "start"):
            call(family, "start", task)
    emit({"ok": True, "installed": installed, "started": has(family, "start")})


def load_scores(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def record_score(path, result):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    entry = dict(result, created_at=datetime.datetime.now(datetime.timezone.utc).isoformat())
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, default=str) + "\n")


def as_message(message):
    return message if isinstance(message, str) else json.dumps(message, default=str) if message else ""


def cmd_score(a):
    family_dir, task_name, submission_file = read_env(a.env)
    family = load_family(family_dir)
    task = get_task(family, task_name)
    final = os.environ.get("REDESK_SCORE_FINAL") == "1"
    scores_path = os.path.join(a.cache, SCORES_FILE)
    with in_workspace(a.workspace) as ws:
        raw = call(family, "intermediate_score", task) if has(family, "intermediate_score") else None
        # intermediate_score returning None: this task has no intermediate scoring (scored on submit by score()).
        if raw is not None:
            result = intermediate_result(raw)
            record_score(scores_path, result)
            if not final:
                emit({"score": result["score"], "message": as_message(result["message"]), "details": dict(result["details"], taskstd="intermediate_score")})
                return
            if has(family, "aggregate_scores"):
                scores = load_scores(scores_path)
                value = number_or_none(call(family, "aggregate_scores", task, scores), "aggregate_scores()")
                emit({"score": value, "message": "aggregate of %d intermediate score(s)" % len(scores), "details": {"taskstd": "aggregate_scores", "intermediate": len(scores)}})
                return
        elif not final:
            emit({"score": None, "message": "This task is scored once, when you submit (it has no intermediate scoring).", "details": {"taskstd": "no intermediate_score"}})
            return
        if not has(family, "score"):
            raise TaskStdError("TASKSTD_METHOD_MISSING", "TaskFamily has neither aggregate_scores() nor score() for the final score")
        path = os.path.join(ws, submission_file)
        if not os.path.isfile(path):
            emit({"score": None, "message": "No submission: write your answer to %s in the workspace." % submission_file, "details": {"taskstd": "score", "submission": None}})
            return
        with open(path, encoding="utf-8", errors="replace") as f:
            submission = f.read()
        if submission.endswith("\n"):
            submission = submission[:-1]
        value = number_or_none(call(family, "score", task, submission), "score()")
        emit({"score": value, "message": "score(t, submission)", "details": {"taskstd": "score", "submissionBytes": len(submission.encode("utf-8"))}})


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m redesk_taskstd")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("instructions")
    i.add_argument("--family", required=True)
    i.add_argument("--task", required=True)
    s = sub.add_parser("start")
    s.add_argument("--family", required=True)
    s.add_argument("--task", required=True)
    s.add_argument("--workspace", required=True)
    s.add_argument("--install-marker", required=True)
    c = sub.add_parser("score")
    c.add_argument("--env", required=True)
    c.add_argument("--workspace", required=True)
    c.add_argument("--cache", required=True)
    a = p.parse_args(argv)
    try:
        {"instructions": cmd_instructions, "start": cmd_start, "score": cmd_score}[a.command](a)
    except TaskStdError as e:
        sys.stderr.write("redesk_taskstd: %s: %s\n" % (e.code, e.message))
        if a.command == "score":
            emit({"score": None, "message": e.message, "details": {"errorCode": e.code}})
        else:
            emit({"ok": False, "errorCode": e.code, "message": e.message})
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
