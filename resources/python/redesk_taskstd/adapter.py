"""Loading a task family and calling its methods, with the checks the standard implies."""
import contextlib
import importlib.util
import math
import os
import sys
import traceback


class TaskStdError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def load_family(family_dir):
    """The TaskFamily class of ``<family_dir>/<name>.py`` (name = the folder's name), its folder on sys.path."""
    family_dir = os.path.abspath(family_dir)
    name = os.path.basename(family_dir.rstrip(os.sep))
    path = os.path.join(family_dir, name + ".py")
    if not os.path.isfile(path):
        raise TaskStdError("TASKSTD_METHOD_MISSING", "no %s.py in the task family folder %s" % (name, family_dir))
    if family_dir not in sys.path:
        sys.path.insert(0, family_dir)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            spec.loader.exec_module(module)
    except BaseException as e:  # noqa: BLE001 - a family's import error is reported, never fatal to the app
        raise TaskStdError("TASKSTD_FAILED", "importing %s failed: %s" % (path, describe(e))) from e
    family = getattr(module, "TaskFamily", None)
    if family is None:
        raise TaskStdError("TASKSTD_METHOD_MISSING", "%s defines no TaskFamily class" % path)
    return family


def has(family, method):
    return callable(getattr(family, method, None))


def call(family, method, *args):
    """family.method(*args) with the family's prints sent to stderr; exceptions become TASKSTD_FAILED."""
    fn = getattr(family, method, None)
    if not callable(fn):
        raise TaskStdError("TASKSTD_METHOD_MISSING", "TaskFamily has no %s()" % method)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return fn(*args)
    except TaskStdError:
        raise
    except BaseException as e:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        raise TaskStdError("TASKSTD_FAILED", "TaskFamily.%s raised %s" % (method, describe(e))) from e


def get_task(family, task_name):
    tasks = call(family, "get_tasks")
    if not isinstance(tasks, dict):
        raise TaskStdError("TASKSTD_BAD_RETURN", "get_tasks() returned %s, not a dict of tasks" % type(tasks).__name__)
    if task_name not in tasks:
        names = ", ".join(sorted(str(k) for k in tasks)) or "none"
        raise TaskStdError("TASKSTD_TASK_NOT_FOUND", "no task %r in get_tasks(); tasks: %s" % (task_name, names))
    return tasks[task_name]


def number_or_none(value, what):
    """A score as the standard returns it: a real number, or None (NaN counts as None: no valid score)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TaskStdError("TASKSTD_BAD_RETURN", "%s returned %r; expected a number or None" % (what, value))
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise TaskStdError("TASKSTD_BAD_RETURN", "%s returned %r; expected a finite number" % (what, value))
    return value


def intermediate_result(value):
    """intermediate_score's {score, message, details}, checked; message and details must be JSON-able dicts."""
    if value is None:
        return {"score": None, "message": {}, "details": {}}
    if not isinstance(value, dict) or "score" not in value:
        raise TaskStdError("TASKSTD_BAD_RETURN", "intermediate_score() returned %r; expected a dict with a score" % (value,))
    score = number_or_none(value.get("score"), "intermediate_score()")
    message = value.get("message", {})
    details = value.get("details", {})
    if message is not None and not isinstance(message, (dict, str)):
        raise TaskStdError("TASKSTD_BAD_RETURN", "intermediate_score()'s message is %s; expected a dict" % type(message).__name__)
    if details is not None and not isinstance(details, dict):
        raise TaskStdError("TASKSTD_BAD_RETURN", "intermediate_score()'s details is %s; expected a dict" % type(details).__name__)
    return {"score": score, "message": message or {}, "details": details or {}}


def describe(e):
    return "%s: %s" % (type(e).__name__, e)


@contextlib.contextmanager
def in_workspace(workspace):
    """The standard's /home/agent is the workspace: cwd, HOME, AGENT_HOME and REDESK_WORKSPACE point at it."""
    workspace = os.path.abspath(workspace)
    saved_env = {k: os.environ.get(k) for k in ("HOME", "AGENT_HOME", "REDESK_WORKSPACE")}
    saved_cwd = os.getcwd()
    os.environ.update(HOME=workspace, AGENT_HOME=workspace, REDESK_WORKSPACE=workspace)
    os.chdir(workspace)
    try:
        yield workspace
    finally:
        os.chdir(saved_cwd)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
