"""The import lab's runner, executed as the main script of a fresh, isolated interpreter:

    python -I -S -X utf8 [-B] [-X importtime] runner.py SPEC_FILE

It interprets already-parsed steps (plain data built by ``labs/imports/steps.py``) with the
real import machinery (``__import__``, ``importlib.reload``, ``sys.modules``) and never hands
any text to ``exec`` or ``eval``. It imports only the standard library, and only modules that
are loaded at start-up anyway (plus importlib, resource and _tracemalloc): whatever the
runner imports before the first step would be missing from the lab's ``sys.modules`` diffs.
That is why the spec arrives and the reports leave in ``marshal`` format (``json`` would drag
in ``re`` and ``enum``) and why files are handled with ``posix`` rather than ``os``.

Reports go to the real stdout as length-prefixed marshal records, one per step as soon as
the step ends, so a run killed by the time limit still reports the steps it finished.
"""

import builtins
import importlib
import marshal
import posix
import sys
import time

# The objects importlib.machinery re-exports, taken from the module that is loaded already.
from importlib._bootstrap_external import (
    MAGIC_NUMBER,
    SOURCE_SUFFIXES,
    FileFinder,
    SourceFileLoader,
)

# `types` is not loaded at start-up; these are the very same type objects.
ModuleType = type(sys)
FunctionType = type(lambda: None)


class _Writer:
    def write(self, text):
        return len(text)

    def flush(self):
        return None


MethodType = type(_Writer().flush)


class LabRuleError(Exception):
    """A step that Python would run but the lab refuses (calling non-scenario code...)."""


class CappedText(_Writer):
    """Stands in for sys.stdout and sys.stderr: keeps at most ``budget`` UTF-8 bytes."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, budget):
        self.budget = budget
        self.parts = []
        self.truncated = False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        data = text.encode("utf-8", "replace")
        if len(data) > self.budget:
            data = data[: self.budget]
            self.truncated = True
        self.budget -= len(data)
        if data:
            self.parts.append(data.decode("utf-8", "ignore"))
        return len(text)

    def isatty(self):
        return False

    def take(self):
        text = "".join(self.parts)
        self.parts = []
        return text


def read_pyc_files(lab_dir, display_dir):
    """Every .pyc under lab_dir with its PEP 552 header and the source it was built from."""
    found = []
    pending = [lab_dir]
    while pending:
        directory = pending.pop()
        for entry in sorted(posix.listdir(directory)):
            path = f"{directory}/{entry}"
            if entry == "__pycache__":
                for cached in sorted(posix.listdir(path)):
                    if cached.endswith(".pyc"):
                        found.append(_describe_pyc(directory, f"{path}/{cached}", cached))
            elif _is_directory(path) and directory == lab_dir:
                pending.append(path)
    return [
        {**entry, "path": entry["path"].replace(lab_dir, display_dir, 1)}
        for entry in sorted(found, key=lambda item: item["path"])
    ]


def _is_directory(path):
    return (posix.stat(path).st_mode & 0o170000) == 0o040000


def _describe_pyc(source_dir, path, name):
    with open(path, "rb") as handle:
        header = handle.read(16)
    flags = int.from_bytes(header[4:8], "little")
    source = f"{source_dir}/{name.split('.')[0]}.py"
    try:
        stat = posix.stat(source)
        source_mtime, source_size = int(stat.st_mtime), stat.st_size
    except OSError:
        source_mtime = source_size = None
    # flags 0: validated by the source's mtime and size; bit 0 set: by a hash of the source.
    stored_mtime = int.from_bytes(header[8:12], "little") if flags == 0 else None
    stored_size = int.from_bytes(header[12:16], "little") if flags == 0 else None
    return {
        "path": path,
        "size": posix.stat(path).st_size,
        "magic": header[:4].hex(),
        "magic_matches": header[:4] == MAGIC_NUMBER,
        "flags": flags,
        "source_mtime": stored_mtime,
        "source_size": stored_size,
        "matches_source": (
            flags == 0
            and source_mtime is not None
            and stored_mtime == source_mtime & 0xFFFFFFFF
            and stored_size == source_size & 0xFFFFFFFF
        ),
    }


class Session:
    def __init__(self, spec, reports):
        self.spec = spec
        self.reports = reports
        self.lab_dir = spec["lab_dir"]
        self.display_dir = spec["display_dir"]
        self.namespace = {}
        # id -> (object, label, generation, module). Holding the object keeps its id unique.
        self.labels = {}
        self.runs = dict(spec["runs"])  # module -> body executions so far in this run
        self.objects = dict(spec["objects"])  # module -> module objects created so far
        self.versions = dict(spec["versions"])  # file -> current source variant
        self.file_of = spec["modules"]  # module -> file
        self.executed = []
        self.output = CappedText(spec["output_budget"])

    # -- set-up ---------------------------------------------------------------------------

    def install(self):
        sys.dont_write_bytecode = not self.spec["write_bytecode"]
        sys.path.insert(0, self.lab_dir)
        sys.path.extend(self.spec["extra_paths"])
        session = self

        class CountingLoader(SourceFileLoader):
            """Records each execution of a scenario module and whether its code came from
            __pycache__ (then source_to_code is never called)."""

            entry = None

            def exec_module(self, module):
                self.entry = session.started(module)
                try:
                    super().exec_module(module)
                finally:
                    session.label_definitions(module, self.entry[2])

            def source_to_code(self, data, path, *, _optimize=-1):
                if self.entry is not None:
                    self.entry[1] = False
                return super().source_to_code(data, path, _optimize=_optimize)

        finder_for = FileFinder.path_hook((CountingLoader, SOURCE_SUFFIXES))

        def lab_path_hook(path):
            if path == self.lab_dir or path.startswith(self.lab_dir + "/"):
                return finder_for(path)
            raise ImportError("not the lab directory")

        sys.path_hooks.insert(0, lab_path_hook)

    def started(self, module):
        name = module.__name__
        self.runs[name] = self.runs.get(name, 0) + 1
        if id(module) not in self.labels:
            self.objects[name] = self.objects.get(name, 0) + 1
            generation = self.objects[name]
            self.labels[id(module)] = (module, f"module {name} #{generation}", generation, name)
        entry = [name, True, self.runs[name]]
        self.executed.append(entry)
        return entry

    def label_definitions(self, module, run):
        name = module.__name__
        file = self.file_of.get(name)
        variants = len(self.spec["files"].get(file, ()))
        version = f", v{self.versions.get(file, 1)}" if variants > 1 else ""
        for value in list(vars(module).values()):
            is_class = isinstance(value, type)
            if not (is_class or isinstance(value, FunctionType)):
                continue
            if getattr(value, "__module__", None) != name or id(value) in self.labels:
                continue
            kind = "class" if is_class else "function"
            label = f"{kind} {name}.{value.__qualname__} (run {run}{version})"
            self.labels[id(value)] = (value, label, run, name)

    # -- the steps ------------------------------------------------------------------------

    def run(self):
        sys.stdout = sys.stderr = self.output
        if self.spec["measure_memory"]:
            import _tracemalloc

            _tracemalloc.start()
        baseline = set(sys.modules)
        for step in self.spec["steps"]:
            self.run_step(step)
        if self.spec["import_time"]:
            posix.write(2, b"@@kb-imports end\n")
        self.send(
            {
                "t": "end",
                "runs": self.runs,
                "objects": self.objects,
                "versions": self.versions,
                "added": sorted(set(sys.modules) - baseline),
                "count": len(sys.modules),
                "truncated": self.output.truncated,
            }
        )

    def run_step(self, step):
        before = set(sys.modules)
        self.executed = []
        memory = None
        if self.spec["import_time"]:
            posix.write(2, f"@@kb-imports step {step['index']}\n".encode())
        if self.spec["measure_memory"]:
            import _tracemalloc

            _tracemalloc.reset_peak()
            traced_before = _tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        value = error = None
        try:
            result = self.execute(step["kind"], step["data"])
            if result is not None:
                value = self.short_repr(result)
        except BaseException as exc:  # a step's exception is its report, as at the >>> prompt
            error = self.mask(f"{type(exc).__name__}: {exc}")
        elapsed_ms = (time.perf_counter() - started) * 1000
        if self.spec["measure_memory"]:
            current, peak = _tracemalloc.get_traced_memory()
            memory = [current - traced_before, peak - traced_before]
        after = set(sys.modules)
        self.send(
            {
                "t": "step",
                "index": step["index"],
                "output": self.mask(self.output.take()),
                "value": value,
                "error": error,
                "bindings": [[name, self.describe(obj)] for name, obj in self.namespace.items()],
                "modules": self.module_views(),
                "added": sorted(after - before),
                "removed": sorted(before - after),
                "count": len(sys.modules),
                "executed": self.executed,
                "memory": memory,
                "pyc": (
                    read_pyc_files(self.lab_dir, self.display_dir)
                    if self.spec["write_bytecode"]
                    else None
                ),
                "ms": elapsed_ms,
            }
        )

    def execute(self, kind, data):
        if kind == "import":
            return self.do_import(data["module"], data["alias"])
        if kind == "from":
            module = __import__(data["module"], None, None, [n for n, _ in data["names"]], 0)
            for name, alias in data["names"]:
                self.namespace[alias] = self.import_from(module, name)
            return None
        if kind == "from-star":
            return self.import_star(data["module"])
        if kind == "reload":
            self.need("importlib", importlib)  # Python evaluates `importlib` before the argument
            return self.reload(self.resolve(data["target"]))
        if kind == "del-module":
            self.need("sys", sys)
            del sys.modules[data["module"]]
            return None
        if kind == "assign":
            return self.assign(data["target"], self.evaluate(data["value"]))
        if kind == "print":
            print(*[self.evaluate(arg) for arg in data["args"]])
            return None
        if kind == "expr":
            return self.evaluate(data["expr"])
        if kind == "switch":
            return self.switch(data["module"], data["version"])
        if kind == "restart":
            return None  # this interpreter is the fresh one
        raise LabRuleError(f"the runner has no step kind {kind!r}")

    def do_import(self, module, alias):
        top = __import__(module, None, None, (), 0)
        if alias is None:
            self.namespace[module.partition(".")[0]] = top
            return None
        target = top
        for part in module.split(".")[1:]:
            target = self.import_from(target, part)
        self.namespace[alias] = target
        return None

    def import_from(self, module, name):
        """What the IMPORT_FROM opcode does, error messages included."""
        try:
            return getattr(module, name)
        except AttributeError:
            pass
        module_name = getattr(module, "__name__", "?")
        submodule = sys.modules.get(f"{module_name}.{name}")
        if submodule is not None:
            return submodule
        location = getattr(module, "__file__", None) or "unknown location"
        if getattr(getattr(module, "__spec__", None), "_initializing", False):
            raise ImportError(
                f"cannot import name {name!r} from partially initialized module "
                f"{module_name!r} (most likely due to a circular import) ({location})",
                name=module_name,
            )
        raise ImportError(
            f"cannot import name {name!r} from {module_name!r} ({location})", name=module_name
        )

    def import_star(self, module_name):
        module = __import__(module_name, None, None, ("*",), 0)
        exported = getattr(module, "__all__", None)
        if exported is None:
            for name, value in list(vars(module).items()):
                if not name.startswith("_"):
                    self.namespace[name] = value
        else:
            for name in list(exported):
                self.namespace[name] = getattr(module, name)
        return None

    def reload(self, module):
        if not isinstance(module, ModuleType):
            raise TypeError("reload() argument must be a module")
        if not self.is_lab_module(module):
            raise LabRuleError("the lab reloads the scenario's own modules only")
        return importlib.reload(module)

    def assign(self, target, value):
        if len(target) == 1:
            self.namespace[target[0]] = value
            return None
        owner = self.resolve(target[:-1])
        if not self.is_lab_owned(owner):
            raise LabRuleError("the lab only changes objects defined by the scenario")
        setattr(owner, target[-1], value)
        return None

    def switch(self, module, version):
        file = self.file_of[module]
        path = f"{self.lab_dir}/{file}"
        old = posix.stat(path)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.spec["files"][file][version - 1])
        # A later mtime (whole seconds, as a .pyc stores it) so no cache can mistake the
        # new source for the old one, even when both are written within one second.
        posix.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns + 1_000_000_000))
        self.versions[file] = version
        return None

    # -- expressions ----------------------------------------------------------------------

    def evaluate(self, node):
        op = node["op"]
        if op == "literal":
            return node["value"]
        if op == "ref":
            return self.resolve(node["path"])
        if op == "call":
            return self.call(self.resolve(node["path"]))
        if op == "isinstance":
            obj = self.evaluate(node["object"])
            cls = self.resolve(node["class"])
            if not isinstance(cls, type):
                raise TypeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
            return isinstance(obj, cls)
        if op == "id":
            return id(self.evaluate(node["of"]))
        if op == "sys-modules":
            self.need("sys", sys)
            return sys.modules[node["module"]]
        if op == "in-modules":
            self.need("sys", sys)
            return node["module"] in sys.modules
        if op == "compare":
            left, right = self.evaluate(node["left"]), self.evaluate(node["right"])
            operator = node["operator"]
            if operator == "is":
                return left is right
            if operator == "is not":
                return left is not right
            if operator == "==":
                return left == right
            if operator == "!=":
                return left != right
        raise LabRuleError(f"the runner has no expression {op!r}")

    def resolve(self, path):
        head = path[0]
        if head not in self.namespace:
            if hasattr(builtins, head):
                raise LabRuleError(f"built-in names such as {head!r} are not available in the lab")
            raise NameError(f"name {head!r} is not defined")
        obj = self.namespace[head]
        for attribute in path[1:]:
            obj = getattr(obj, attribute)
        return obj

    def call(self, callee):
        if not self.is_lab_callable(callee):
            raise LabRuleError("the lab calls only functions and classes defined by the scenario")
        return callee()

    def need(self, name, module):
        if self.namespace.get(name) is not module:
            raise NameError(f"name {name!r} is not defined")

    def in_lab(self, function):
        filename = getattr(getattr(function, "__code__", None), "co_filename", "")
        return filename.startswith(self.lab_dir + "/")

    def is_lab_module(self, obj):
        return isinstance(obj, ModuleType) and id(obj) in self.labels

    def is_lab_callable(self, obj):
        if isinstance(obj, type):
            return id(obj) in self.labels
        if isinstance(obj, FunctionType):
            return self.in_lab(obj)
        if isinstance(obj, MethodType):
            return isinstance(obj.__func__, FunctionType) and self.in_lab(obj.__func__)
        return False

    def is_lab_owned(self, obj):
        return id(obj) in self.labels or id(type(obj)) in self.labels

    # -- reports --------------------------------------------------------------------------

    def mask(self, text):
        return text.replace(self.lab_dir, self.display_dir)

    def short_repr(self, obj):
        try:
            text = repr(obj)
        except Exception as exc:  # a broken __repr__ must not break the report
            text = f"<repr failed: {type(exc).__name__}>"
        limit = self.spec["repr_chars"]
        text = self.mask(text)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def describe(self, obj):
        entry = self.labels.get(id(obj))
        class_entry = self.labels.get(id(type(obj)))
        text = self.short_repr(obj)
        generation = module = None
        if entry is not None:
            _, label, generation, module = entry
        elif class_entry is not None:
            label = f"instance of {class_entry[1]}"
            module = class_entry[3]
        elif isinstance(obj, ModuleType):
            label = f"module {obj.__name__}"
        elif isinstance(obj, (int, float, str, bytes, type(None))):
            label = f"{type(obj).__name__} {text}"
        elif hasattr(obj, "__qualname__"):
            label = f"{type(obj).__name__} {getattr(obj, '__module__', None)}.{obj.__qualname__}"
        else:
            label = f"{type(obj).__name__} object"
        return {
            "id": id(obj),
            "type": type(obj).__name__,
            "label": label,
            "repr": text,
            "generation": generation,
            "module": module,
        }

    def module_views(self):
        candidates = [*list(sys.modules.values()), *self.namespace.values()]
        views = {}
        limit = self.spec["max_attributes"]
        for module in candidates:
            if not self.is_lab_module(module) or id(module) in views:
                continue
            attributes = [
                [name, self.describe(value)]
                for name, value in list(vars(module).items())
                if not name.startswith("__") or name == "__all__"
            ]
            views[id(module)] = {
                "name": module.__name__,
                "in_sys_modules": sys.modules.get(module.__name__) is module,
                "object": self.describe(module),
                "attributes": attributes[:limit],
            }
        return sorted(views.values(), key=lambda view: (view["name"], not view["in_sys_modules"]))

    def send(self, record):
        data = marshal.dumps(record)
        self.reports.write(len(data).to_bytes(4, "big"))
        self.reports.write(data)
        self.reports.flush()


def apply_limits(limits):
    import resource

    for name, value in limits.items():
        which = getattr(resource, name)
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def main(argv):
    with open(argv[1], "rb") as handle:
        spec = marshal.loads(handle.read())  # noqa: S302 - written by sandbox.py, not a user
    apply_limits(spec["limits"])
    if spec["mode"] == "script":
        # A real interpreter running a real main script, under the limits set above
        # (they survive exec). No -P: the script's directory must be on sys.path.
        python = spec["python"]
        posix.execv(python, [python, "-E", "-s", "-S", "-X", "utf8", spec["script"]])
    reports = sys.stdout.buffer
    session = Session(spec, reports)
    session.install()
    try:
        session.run()
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
