"""Runs one solution.py in its own process, on request from score.py.

Protocol: JSON lines. We write {"ready": true} (or an error) once the module is imported, then answer each request
{"input": path, "output": path} read from stdin with {"ok": true, "ms": t} or {"ok": false, "error": ...}.
Replies go to a private copy of stdout; the solution's own prints are sent to stderr so they cannot forge a reply.
"""
import importlib.util
import json
import os
import sys
import traceback
from time import perf_counter  # bound before the solution is imported

sys.dont_write_bytecode = True  # leave no __pycache__ in the workspace or the environment folder


def main() -> None:
    solution_path = os.path.abspath(sys.argv[1])
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def reply(obj: dict) -> None:
        replies.write(json.dumps(obj) + "\n")
        replies.flush()

    # The solution imports its neighbours (helpers, compiled modules) as it would from its own folder.
    solution_dir = os.path.dirname(solution_path)
    sys.path[0] = solution_dir
    os.chdir(solution_dir)
    try:
        import numpy as np

        spec = importlib.util.spec_from_file_location("solution", solution_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module
        spec.loader.exec_module(module)
        prefix_sum = getattr(module, "prefix_sum", None)
        if not callable(prefix_sum):
            reply({"ready": False, "error": "solution.py does not define a function prefix_sum(x)"})
            return
    except BaseException as e:  # noqa: BLE001 - any failure to import is the solution's, reported as such
        reply({"ready": False, "error": "importing solution.py failed: " + last_line(e), "traceback": tb(e)})
        return
    reply({"ready": True})

    for line in sys.stdin:
        request = json.loads(line)
        x = np.load(request["input"])
        try:
            t0 = perf_counter()
            result = prefix_sum(x)
            t1 = perf_counter()
        except BaseException as e:  # noqa: BLE001 - the solution's failure, reported to the expert
            reply({"ok": False, "error": "prefix_sum raised " + last_line(e), "traceback": tb(e)})
            continue
        if not isinstance(result, np.ndarray):
            reply({"ok": False, "error": "prefix_sum returned %s; expected a numpy.ndarray" % type(result).__name__})
            continue
        try:
            np.save(request["output"], result, allow_pickle=False)
        except Exception as e:  # noqa: BLE001 - e.g. an object array, which cannot be checked
            reply({"ok": False, "error": "prefix_sum returned an array of dtype %s that cannot be checked: %s" % (result.dtype, last_line(e))})
            continue
        reply({"ok": True, "ms": (t1 - t0) * 1000.0})


def last_line(e: BaseException) -> str:
    lines = traceback.format_exception_only(type(e), e)
    text = lines[-1].strip() if lines else type(e).__name__
    if isinstance(e, SyntaxError) and e.lineno:
        text += " (%s, line %d)" % (os.path.basename(e.filename or "solution.py"), e.lineno)
    return text


def tb(e: BaseException) -> str:
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))[-4000:]


if __name__ == "__main__":
    main()
