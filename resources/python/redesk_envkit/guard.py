"""Runs an expert's code under a Python audit hook that keeps it inside its workspace.

    python -m redesk_envkit.guard --workspace W --report-fd N [--env-dir E] [--deny D]... [--allow-read P]...
        [--allow-write P]... [--allow-spawn] [--allow-ctypes] [--preload MODULE]... -- TARGET [ARGS...]

TARGET is `-c CODE`, a Python file (read and compiled before the hook is installed, so a harness may live in the environment
folder) or `-m MODULE`. The hook refuses, with PermissionError, and records:
- opening a file for writing (or creating, renaming, removing one) outside the workspace, the private temp dir and
  the --allow-write paths (where a harness leaves its outputs for the scorer);
- reading or listing anything under the environment folder (reference solution, scorer) or a --deny folder (the
  attempt's cache), except paths named by --allow-read;
- loading or calling native code through ctypes (unless --allow-ctypes);
- starting processes (unless --allow-spawn), and signalling other processes.
Each refusal is written at once to the report pipe (one line each), so it reaches the scorer even when the code
catches the exception. Native code that opens files itself is outside the hook's reach; the few torch entry points
that do (torch.save's zip writer, torch.from_file) are wrapped so they are checked too.
"""
import argparse
import os
import runpy
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
SPAWN_EVENTS = {
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "os.startfile", "pty.spawn",
}
CTYPES_EVENTS = {"ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function", "ctypes.cdata",
                 "ctypes.cdata/buffer", "ctypes.string_at", "ctypes.wstring_at", "ctypes.addressof"}
# (event, index of the path argument) for events that create, change or remove a path.
WRITE_PATH_EVENTS = {
    "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.symlink": (1,),
    "os.link": (0, 1), "os.truncate": (0,), "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,),
    "shutil.rmtree": (0,), "os.mkfifo": (0,), "os.mknod": (0,),
}
READ_PATH_EVENTS = {"os.listdir": 0, "os.scandir": 0, "glob.glob": 0, "os.chdir": 0}
MAX_REPORTS = 50


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class Guard:
    def __init__(self, workspace, tmp, deny, allow_read, allow_spawn, allow_ctypes, report_fd, allow_write=()):
        real = os.path.realpath
        self.write_roots = [real(workspace), real(tmp)] + [real(p) for p in allow_write]
        self.deny = [real(d) for d in deny if d]
        # The workspace is always readable, even if it lies inside the environment folder (scoring a starter in place).
        self.allow_read = [real(workspace)] + [real(p) for p in allow_read]
        self.allow_spawn = allow_spawn
        self.allow_ctypes = allow_ctypes
        self.report_fd = report_fd
        self.reported = 0
        self.busy = False
        self.pid = os.getpid()

    def refuse(self, what):
        if self.reported < MAX_REPORTS:
            self.reported += 1
            try:
                os.write(self.report_fd, (what.replace("\n", " ") + "\n").encode("utf-8", "replace"))
            except OSError:
                pass
        raise PermissionError("redesk guard: " + what)

    def resolve(self, path):
        if isinstance(path, int) or path is None:
            return None
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return os.path.realpath(str(path))

    def check_read(self, path, event):
        p = self.resolve(path)
        if p is None or any(_inside(p, a) for a in self.allow_read):
            return
        for d in self.deny:
            if _inside(p, d):
                self.refuse("%s: reading %s is not allowed (it belongs to the environment or the scorer)" % (event, p))

    def check_write(self, path, event):
        p = self.resolve(path)
        if p is None or p == os.devnull:
            return
        if any(_inside(p, d) for d in self.deny) or not any(_inside(p, r) for r in self.write_roots):
            self.refuse("%s: writing %s is not allowed (only the workspace and the temp dir may be written)" % (event, p))

    def hook(self, event, args):
        if self.busy:
            return
        self.busy = True
        try:
            self._hook(event, args)
        finally:
            self.busy = False

    def _hook(self, event, args):
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and mode is None and flags & WRITE_FLAGS
            )
            self.check_read(path, event)
            if writing:
                self.check_write(path, event)
        elif event in WRITE_PATH_EVENTS:
            for i in WRITE_PATH_EVENTS[event]:
                if i < len(args):
                    self.check_write(args[i], event)
        elif event in READ_PATH_EVENTS:
            i = READ_PATH_EVENTS[event]
            if i < len(args):
                self.check_read(args[i], event)
        elif event in SPAWN_EVENTS:
            if not self.allow_spawn:
                detail = args[1] if event == "subprocess.Popen" and len(args) > 1 else args[:1]
                self.refuse("%s: starting a process is not allowed (%r)" % (event, detail))
        elif event in ("os.kill", "os.killpg", "signal.pthread_kill"):
            if args and args[0] not in (self.pid, 0):
                self.refuse("%s: signalling another process is not allowed" % event)
        elif event == "import" and args and args[0] in ("ctypes", "_ctypes"):
            if not self.allow_ctypes:
                self.refuse("import: loading ctypes is not allowed")
        elif event in CTYPES_EVENTS:
            if not self.allow_ctypes:
                self.refuse("%s: native code through ctypes is not allowed" % event)
        elif event == "sys.addaudithook":
            self.refuse("sys.addaudithook: adding audit hooks is not allowed")


def _wrap_torch_file_entry_points():
    """torch.save's zip writer and torch.from_file open files in C++; route their paths through the hook."""
    torch = sys.modules.get("torch")
    if torch is None:
        return
    writer = torch._C.PyTorchFileWriter

    class CheckedWriter(writer):
        def __init__(self, target, *rest):
            if isinstance(target, (str, bytes, os.PathLike)):
                sys.audit("open", os.fspath(target), "wb", None)
            super().__init__(target, *rest)

    torch._C.PyTorchFileWriter = CheckedWriter
    from_file = torch.from_file

    def checked_from_file(filename, *rest, **kw):
        sys.audit("open", filename, "rb+" if kw.get("shared") else "rb", None)
        return from_file(filename, *rest, **kw)

    torch.from_file = checked_from_file


def parse(argv):
    p = argparse.ArgumentParser(prog="redesk_envkit.guard")
    p.add_argument("--workspace", required=True)
    p.add_argument("--report-fd", type=int, required=True)
    p.add_argument("--env-dir", default=os.environ.get("REDESK_ENV_DIR"))
    p.add_argument("--deny", action="append", default=[])
    p.add_argument("--allow-read", action="append", default=[])
    p.add_argument("--allow-write", action="append", default=[])
    p.add_argument("--allow-spawn", action="store_true")
    p.add_argument("--allow-ctypes", action="store_true")
    p.add_argument("--preload", action="append", default=[])
    p.add_argument("target", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    target = args.target[1:] if args.target[:1] == ["--"] else args.target
    if not target:
        p.error("no target given after --")
    return args, target


def main(argv=None):
    args, target = parse(sys.argv[1:] if argv is None else argv)
    sys.dont_write_bytecode = True
    import tempfile

    tmp = tempfile.gettempdir()
    # Modules the solution will use anyway, imported while ctypes and native loading are still allowed.
    for name in args.preload:
        __import__(name)
    _wrap_torch_file_entry_points()
    if target[0] == "-m":
        run = lambda: runpy.run_module(target[1], run_name="__main__", alter_sys=True)  # noqa: E731
        sys.argv = [target[1]] + target[2:]
    elif target[0] == "-c":
        code = compile(target[1], "<string>", "exec")
        sys.argv = ["-c"] + target[2:]
        sys.path[0] = args.workspace
        globs = {"__name__": "__main__", "__builtins__": __builtins__}
        run = lambda: exec(code, globs)  # noqa: E731
    else:
        script = os.path.abspath(target[0])
        with open(script, "rb") as f:
            code = compile(f.read(), script, "exec")
        sys.argv = [script] + target[1:]
        # A harness from the environment folder must not make imports list that folder (which the hook refuses).
        denied = [os.path.realpath(d) for d in [args.env_dir] + args.deny if d]
        here = os.path.dirname(os.path.realpath(script))
        sys.path[0] = args.workspace if any(_inside(here, d) for d in denied) else here
        globs = {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__}
        run = lambda: exec(code, globs)  # noqa: E731
    guard = Guard(args.workspace, tmp, [args.env_dir] + args.deny, args.allow_read, args.allow_spawn,
                  args.allow_ctypes, args.report_fd, args.allow_write)
    sys.addaudithook(guard.hook)
    run()


if __name__ == "__main__":
    main()
