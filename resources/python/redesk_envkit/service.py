"""A harness's service to the guarded solution: requests it answers outside the guard.

The guard keeps a solution from starting processes; some tasks need a tool the scorer trusts to run on the solution's
behalf (compiling and testing a program, say). `run_solution(..., service=handler)` gives the child two pipes and
answers each request with `handler(request) -> response` in a pool of threads, outside the guard; the solution calls
`call(request)`. Requests and responses are JSON objects, one line each, matched by id, so threads may call at once.
"""
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

ENV_VAR = "REDESK_SERVICE_FDS"
_MAX_LINE = 64 << 20


class ServiceError(RuntimeError):
    """The service refused a request or is gone."""


def available():
    """Whether this process was started by a harness that offers a service."""
    return bool(os.environ.get(ENV_VAR))


class _Client:
    def __init__(self, fds):
        r, w = (int(x) for x in fds.split(","))
        self.out = os.fdopen(w, "wb", buffering=0)
        self.inp = os.fdopen(r, "rb")
        self.lock = threading.Lock()
        self.waiting = {}
        self.next_id = 0
        self.gone = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for line in self.inp:
                msg = json.loads(line)
                slot = self.waiting.pop(msg.get("id"), None)
                if slot:
                    slot[1] = msg
                    slot[0].set()
        except (OSError, ValueError) as e:
            self.gone = str(e)
        self.gone = self.gone or "the service closed its pipe"
        for slot in list(self.waiting.values()):
            slot[0].set()

    def call(self, request):
        with self.lock:
            self.next_id += 1
            rid = self.next_id
            slot = [threading.Event(), None]
            self.waiting[rid] = slot
            if self.gone:
                raise ServiceError(self.gone)
            self.out.write((json.dumps({"id": rid, "request": request}) + "\n").encode("utf-8"))
        slot[0].wait()
        msg = slot[1]
        if msg is None:
            raise ServiceError(self.gone or "no answer")
        if "error" in msg:
            raise ServiceError(msg["error"])
        return msg["response"]


_client = None
_client_lock = threading.Lock()


def call(request):
    """Sends one request to the harness's service and waits for its response (a JSON object)."""
    global _client
    if not available():
        raise ServiceError("no service: this process was not started by a harness that offers one")
    with _client_lock:
        if _client is None:
            _client = _Client(os.environ[ENV_VAR])
    return _client.call(request)


class Server:
    """The harness's end: reads requests from the child, answers each with handler() in a pool of threads."""

    def __init__(self, handler, workers):
        self.handler = handler
        self.req_r, self.req_w = os.pipe()
        self.resp_r, self.resp_w = os.pipe()
        self.pool = ThreadPoolExecutor(max(1, workers))
        self.write_lock = threading.Lock()
        self.thread = None

    def child_fds(self):
        """(fds to pass to the child, the environment variable that names them)."""
        return (self.resp_r, self.req_w), {ENV_VAR: "%d,%d" % (self.resp_r, self.req_w)}

    def start(self):
        """Call once the child has started: closes the child's ends here, then serves until the child is gone."""
        os.close(self.resp_r)
        os.close(self.req_w)
        self.out = os.fdopen(self.resp_w, "wb", buffering=0)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _answer(self, rid, request):
        try:
            msg = {"id": rid, "response": self.handler(request)}
        except Exception as e:  # noqa: BLE001 - the child gets the reason, the harness goes on
            msg = {"id": rid, "error": "%s: %s" % (type(e).__name__, e)}
        try:
            with self.write_lock:
                self.out.write((json.dumps(msg) + "\n").encode("utf-8"))
        except OSError:
            pass  # the child is gone

    def _serve(self):
        with os.fdopen(self.req_r, "rb") as inp:
            for line in inp:
                if len(line) > _MAX_LINE:
                    continue
                try:
                    msg = json.loads(line)
                    rid, request = msg["id"], msg["request"]
                except (ValueError, KeyError, TypeError):
                    continue
                self.pool.submit(self._answer, rid, request)

    def close(self):
        self.pool.shutdown(wait=False, cancel_futures=True)
        try:
            self.out.close()
        except (OSError, AttributeError):
            pass
