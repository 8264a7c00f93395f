"""Runs a METR task-standard family (TaskFamily) as a redesk environment, locally and without Docker.

The app calls this package (``python -m redesk_taskstd <command>``) with the interpreter it resolved for the
environment and ``resources/python`` on PYTHONPATH:

* ``instructions``: ``get_instructions(get_tasks()[task])``, shown as the environment's instructions.
* ``start``: ``install()`` once per machine (a marker file records it), then ``start(t)`` with the attempt's
  workspace as the working directory.
* ``score`` (the scorer argv): ``intermediate_score(t)`` for the Score button; on the final scoring
  (REDESK_SCORE_FINAL=1) ``aggregate_scores(t, scores)`` over every intermediate score of the attempt (kept in the
  attempt's scorer cache), or ``score(t, submission)`` when the family has no intermediate scoring or
  ``intermediate_score`` returns None for the task. The app names the family, task and submission file in
  REDESK_TASKSTD_FAMILY, REDESK_TASKSTD_TASK and REDESK_TASKSTD_SUBMISSION (a variant may pick another task).

The standard's ``/home/agent`` is the workspace here: during every call HOME, AGENT_HOME and REDESK_WORKSPACE name
the workspace and it is the working directory, so families that use ``~``, ``Path.home()`` or relative paths work
unchanged; families that hard-code ``/home/agent`` should read ``os.environ.get("AGENT_HOME", "/home/agent")``.

Every command prints one JSON line last. Failures print ``{"score": null, "message": ..., "details":
{"errorCode": "TASKSTD_..."}}`` (score) or ``{"ok": false, "errorCode": ..., "message": ...}`` (other commands),
with the codes TASKSTD_METHOD_MISSING, TASKSTD_FAILED, TASKSTD_BAD_RETURN and TASKSTD_TASK_NOT_FOUND.
"""
