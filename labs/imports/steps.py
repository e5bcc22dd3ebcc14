"""The step grammar of the import lab: tokenise, parse and validate. Nothing here executes.

A step is one line typed at the lab's prompt. Only these forms exist (NAME is an ASCII
identifier, REF is NAME(.NAME)*, MOD a dotted module name the scenario offers):

    import MOD [as NAME]                 from MOD import NAME [as NAME][, ...]
    from MOD import *                    importlib.reload(REF)
    del sys.modules['MOD']               REF = EXPR
    print([EXPR[, ...]])                 EXPR
    switch MOD to version N              restart
    python FILE.py

    EXPR := ATOM [(is | is not | == | !=) ATOM]  |  'MOD' in sys.modules
    ATOM := INT | 'short string' | REF | REF() | isinstance(ATOM, REF) | id(ATOM)
          | sys.modules['MOD']

``switch`` rewrites a module's source to another fixed variant, ``restart`` continues in a
fresh interpreter, ``python main.py`` runs a scenario file as a real main script. Everything
else is refused with a :class:`StepError` naming the step. The sandbox's runner receives the
parsed steps as plain data (``Step.data``) and interprets them itself; step text is never
handed to ``exec`` or ``eval``.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from labs.imports.limits import LIMITS

StepKind = Literal[
    "import",
    "from",
    "from-star",
    "reload",
    "del-module",
    "assign",
    "print",
    "expr",
    "switch",
    "restart",
    "script",
]
STEP_KINDS: tuple[StepKind, ...] = get_args(StepKind)  # one list: the type is the source

# `import sys` and `import importlib` work in every scenario: the special forms
# `del sys.modules[...]` and `importlib.reload(...)` need them bound, exactly as in Python.
ALWAYS_IMPORTABLE = frozenset({"sys", "importlib"})
# Names the grammar gives a meaning of its own; binding them would make steps lie.
RESERVED_NAMES = frozenset({"sys", "importlib", "print", "isinstance", "id"})
# Dunder attributes are the usual way out of a sandbox (__class__, __globals__, ...);
# these few only describe a module.
READABLE_DUNDERS = frozenset({"__all__", "__name__", "__file__"})

_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# ASCII only: Python folds identifiers with NFKC, so a full-width `ｏｓ` would import `os`.
_TOKEN = re.compile(
    r"""
      (?P<space>[ \t]+)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<int>[0-9]+)
    | (?P<str>'[^'\\\r\n]*'|"[^"\\\r\n]*")
    | (?P<op>==|!=|[-().,=\[\]*])
    """,
    re.VERBOSE,
)

Instruction = dict[str, Any]  # plain data (str, int, list, dict, None) for the runner


class StepError(ValueError):
    """A step (or the list of steps) the lab refuses. ``index`` is 1-based, or None."""

    def __init__(self, reason: str, *, index: int | None = None, text: str | None = None):
        self.reason = reason
        self.index = index
        self.text = text
        where = "" if index is None else f"step {index} `{_shorten(text or '')}`: "
        super().__init__(where + reason)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Step:
    index: int  # 1-based position in the submitted list
    text: str  # as submitted, stripped
    kind: StepKind
    data: Instruction = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class StepRules:
    """What one scenario allows; built by ``Scenario.rules``."""

    modules: frozenset[str]  # importable dotted names (without sys/importlib)
    kinds: frozenset[str]
    versions: tuple[tuple[str, int], ...] = ()  # (module, number of source variants)
    scripts: frozenset[str] = frozenset()  # files `python FILE.py` may run

    def version_count(self, module: str) -> int:
        return dict(self.versions).get(module, 0)


class _Refusal(Exception):
    """Raised inside the parser; parse_step adds the step index and text."""


@dataclass(frozen=True)
class _Token:
    kind: str  # name, int, str, op
    value: str
    column: int  # 1-based


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if char in "'\"":
                raise _Refusal(
                    f"unterminated string at column {position + 1} (backslashes are not allowed)"
                )
            raise _Refusal(f"unexpected character {char!r} at column {position + 1}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position + 1))
        position = match.end()
    return tokens


def _check_name(name: str, *, attribute: bool = False, binding: bool = False) -> str:
    if len(name) > LIMITS.max_name_length:
        raise _Refusal(f"names have at most {LIMITS.max_name_length} characters")
    if keyword.iskeyword(name):
        raise _Refusal(f"`{name}` is a Python keyword, not a name")
    if name.startswith("__") and not (attribute and name in READABLE_DUNDERS):
        raise _Refusal(f"`{name}`: dunder names are not available in the lab")
    if binding and name in RESERVED_NAMES:
        raise _Refusal(f"`{name}` cannot be rebound in the lab")
    return name


def _check_module_name(name: str) -> str:
    if not _MODULE_NAME.fullmatch(name):
        raise _Refusal(f"{name!r} is not a module name")
    for part in name.split("."):
        _check_name(part)
    return name


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def at(self, kind: str, value: str | None = None, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == kind and (value is None or token.value == value)

    def at_word(self, *words: str) -> bool:
        return all(self.at("name", word, offset) for offset, word in enumerate(words))

    def accept(self, kind: str, value: str | None = None) -> _Token | None:
        if self.at(kind, value):
            token = self.tokens[self.position]
            self.position += 1
            return token
        return None

    def take(self, kind: str, value: str | None = None, *, what: str = "") -> _Token:
        token = self.accept(kind, value)
        if token is None:
            wanted = what or (f"`{value}`" if value else f"a {kind}")
            found = self.peek()
            where = "the end of the step" if found is None else f"`{found.value}`"
            raise _Refusal(f"expected {wanted}, found {where}")
        return token

    def end(self) -> None:
        token = self.peek()
        if token is not None:
            raise _Refusal(f"unexpected `{token.value}` at column {token.column}")

    # -- pieces ---------------------------------------------------------------------------

    def name(self, *, binding: bool = False) -> str:
        return _check_name(self.take("name", what="a name").value, binding=binding)

    def module_path(self) -> str:
        parts = [self.take("name", what="a module name").value]
        while self.accept("op", "."):
            parts.append(self.take("name", what="a module name").value)
        return _check_module_name(".".join(parts))

    def ref_path(self) -> list[str]:
        head = self.take("name", what="a name").value
        if head in RESERVED_NAMES - ALWAYS_IMPORTABLE:
            raise _Refusal(f"`{head}` is only available as `{head}(...)`")
        path = [_check_name(head)]
        while self.accept("op", "."):
            path.append(_check_name(self.take("name", what="an attribute").value, attribute=True))
        return path

    def module_string(self) -> str:
        return _check_module_name(self.take("str", what="a quoted module name").value[1:-1])

    def sys_modules(self) -> None:
        self.take("name", "sys")
        self.take("op", ".")
        self.take("name", "modules")

    def at_sys_modules_item(self) -> bool:
        return (
            self.at_word("sys")
            and self.at("op", ".", offset=1)
            and self.at("name", "modules", offset=2)
            and self.at("op", "[", offset=3)
        )

    # -- expressions ----------------------------------------------------------------------

    def expression(self) -> Instruction:
        if self.at("str") and self.at("name", "in", offset=1):
            module = self.module_string()
            self.take("name", "in")
            self.sys_modules()
            return {"op": "in-modules", "module": module}
        left = self.atom()
        if self.accept("name", "is"):
            operator = "is not" if self.accept("name", "not") else "is"
            return {"op": "compare", "operator": operator, "left": left, "right": self.atom()}
        for operator in ("==", "!="):
            if self.accept("op", operator):
                return {"op": "compare", "operator": operator, "left": left, "right": self.atom()}
        return left

    def atom(self) -> Instruction:
        if self.at("op", "-") and self.at("int", offset=1):
            self.position += 1
            return {"op": "literal", "value": -self.integer()}
        if self.at("int"):
            return {"op": "literal", "value": self.integer()}
        if self.at("str"):
            return {"op": "literal", "value": self.string()}
        if self.at_word("isinstance") and self.at("op", "(", offset=1):
            self.position += 2
            obj = self.atom()
            self.take("op", ",")
            cls = self.ref_path()
            self.take("op", ")")
            return {"op": "isinstance", "object": obj, "class": cls}
        if self.at_word("id") and self.at("op", "(", offset=1):
            self.position += 2
            inner = self.atom()
            self.take("op", ")")
            return {"op": "id", "of": inner}
        if self.at_sys_modules_item():
            self.sys_modules()
            self.take("op", "[")
            module = self.module_string()
            self.take("op", "]")
            return {"op": "sys-modules", "module": module}
        if not self.at("name"):
            raise _Refusal("expected a name, a number or a string")
        path = self.ref_path()
        if self.accept("op", "("):
            if not self.at("op", ")"):
                raise _Refusal("the lab calls functions without arguments only")
            self.take("op", ")")
            return {"op": "call", "path": path}
        return {"op": "ref", "path": path}

    def integer(self) -> int:
        digits = self.take("int").value
        if len(digits) > LIMITS.max_int_digits:
            raise _Refusal(f"numbers have at most {LIMITS.max_int_digits} digits")
        return int(digits)

    def string(self) -> str:
        value = self.take("str").value[1:-1]
        if len(value) > LIMITS.max_string_literal:
            raise _Refusal(f"strings have at most {LIMITS.max_string_literal} characters")
        if not value.isprintable():
            raise _Refusal("strings may contain printable characters only")
        return value

    # -- statements -----------------------------------------------------------------------

    def statement(self) -> tuple[StepKind, Instruction]:
        if not self.tokens:
            raise _Refusal("empty step")
        if self.at_word("import"):
            return self.import_statement()
        if self.at_word("from"):
            return self.from_statement()
        if self.at_word("del"):
            self.position += 1
            self.sys_modules()
            self.take("op", "[")
            module = self.module_string()
            self.take("op", "]")
            self.end()
            return "del-module", {"module": module}
        if self.at_word("importlib") and self.at("op", ".", 1) and self.at("name", "reload", 2):
            self.position += 3
            self.take("op", "(")
            target = self.ref_path()
            self.take("op", ")")
            self.end()
            return "reload", {"target": target}
        if self.at_word("print") and self.at("op", "(", offset=1):
            return self.print_statement()
        if self.at_word("switch"):
            self.position += 1
            module = self.module_path()
            self.take("name", "to")
            self.take("name", "version")
            version = self.integer()
            self.end()
            return "switch", {"module": module, "version": version}
        if self.at_word("restart") and len(self.tokens) == 1:
            self.position += 1
            return "restart", {}
        if self.at_word("python"):
            self.position += 1
            stem = self.take("name", what="a file name").value
            self.take("op", ".")
            self.take("name", "py", what="`.py`")
            self.end()
            return "script", {"file": f"{stem}.py"}
        if any(token.kind == "op" and token.value == "=" for token in self.tokens):
            return self.assignment()
        expression = self.expression()
        self.end()
        return "expr", {"expr": expression}

    def import_statement(self) -> tuple[StepKind, Instruction]:
        self.position += 1
        module = self.module_path()
        alias = None
        if self.accept("name", "as"):
            alias = self.name(binding=True)
        if self.at("op", ","):
            raise _Refusal("import one module per step")
        self.end()
        if module.split(".")[0] in RESERVED_NAMES and (alias or module not in ALWAYS_IMPORTABLE):
            raise _Refusal(f"write `import {module.split('.')[0]}` alone")
        return "import", {"module": module, "alias": alias}

    def from_statement(self) -> tuple[StepKind, Instruction]:
        self.position += 1
        if self.at("op", "."):
            raise _Refusal("relative imports (`from . import x`) only work inside a package")
        module = self.module_path()
        if module in ALWAYS_IMPORTABLE:
            raise _Refusal(f"write `import {module}` instead")
        self.take("name", "import")
        if self.accept("op", "*"):
            self.end()
            return "from-star", {"module": module}
        names: list[list[str]] = []
        while True:
            name = _check_name(self.take("name", what="a name to import").value)
            alias = self.name(binding=True) if self.accept("name", "as") else name
            _check_name(alias, binding=True)
            names.append([name, alias])
            if not self.accept("op", ","):
                break
        self.end()
        if len(names) > LIMITS.max_from_names:
            raise _Refusal(f"import at most {LIMITS.max_from_names} names per step")
        return "from", {"module": module, "names": names}

    def print_statement(self) -> tuple[StepKind, Instruction]:
        self.position += 2
        args: list[Instruction] = []
        if not self.at("op", ")"):
            args.append(self.expression())
            while self.accept("op", ","):
                args.append(self.expression())
        self.take("op", ")")
        self.end()
        if len(args) > LIMITS.max_print_args:
            raise _Refusal(f"print at most {LIMITS.max_print_args} values per step")
        return "print", {"args": args}

    def assignment(self) -> tuple[StepKind, Instruction]:
        target = self.ref_path()
        if len(target) == 1:
            _check_name(target[0], binding=True)
        self.take("op", "=")
        value = self.expression()
        self.end()
        # Scenario code reads module and instance attributes; only plain data may reach it
        # (a function put there could be called by that code with the lab's checks bypassed).
        if len(target) > 1 and value["op"] != "literal":
            raise _Refusal("an attribute can only be set to a number or a short string")
        return "assign", {"target": target, "value": value}


def parse_step(text: str, index: int = 1) -> Step:
    """Parse one step (syntax only; :func:`validate_step` applies a scenario's rules)."""
    stripped = text.strip()
    try:
        if len(stripped) > LIMITS.max_step_length:
            raise _Refusal(f"a step has at most {LIMITS.max_step_length} characters")
        parser = _Parser(_tokenise(stripped))
        kind, data = parser.statement()
    except _Refusal as refusal:
        raise StepError(str(refusal), index=index, text=stripped) from None
    except RecursionError:
        raise StepError("too deeply nested", index=index, text=stripped) from None
    return Step(index=index, text=stripped, kind=kind, data=data)


def validate_step(step: Step, rules: StepRules) -> None:
    def refuse(reason: str) -> StepError:
        return StepError(reason, index=step.index, text=step.text)

    if step.kind not in rules.kinds:
        raise refuse(f"this scenario has no `{step.kind}` steps")
    data = step.data
    if step.kind in ("import", "from", "from-star"):
        module = data["module"]
        if module not in rules.modules | ALWAYS_IMPORTABLE:
            offered = ", ".join(sorted(rules.modules | ALWAYS_IMPORTABLE))
            raise refuse(f"module '{module}' is not available here (try: {offered})")
    for module in _modules_read(data):
        if module not in rules.modules | ALWAYS_IMPORTABLE:
            raise refuse(f"module '{module}' is not one this scenario offers")
    if step.kind == "del-module":
        if data["module"] not in rules.modules:
            raise refuse(f"module '{data['module']}' is not one this scenario can remove")
    elif step.kind == "switch":
        count = rules.version_count(data["module"])
        if count < 2:
            raise refuse(f"module '{data['module']}' has only one version here")
        if not 1 <= data["version"] <= count:
            raise refuse(f"module '{data['module']}' has versions 1 to {count}")
    elif step.kind == "script" and data["file"] not in rules.scripts:
        offered = ", ".join(sorted(rules.scripts)) or "none"
        raise refuse(f"no script named {data['file']} here (scripts: {offered})")


def _modules_read(node: object) -> list[str]:
    """Module names inside `sys.modules['m']` expressions, however deeply nested."""
    if isinstance(node, list):
        return [name for item in node for name in _modules_read(item)]
    if not isinstance(node, dict):
        return []
    found = [node["module"]] if node.get("op") == "sys-modules" else []
    return found + [name for value in node.values() for name in _modules_read(value)]


def parse_steps(lines: Sequence[str], rules: StepRules) -> tuple[Step, ...]:
    """Parse and validate a whole run; refuses oversize lists before reading any step."""
    if len(lines) > LIMITS.max_steps:
        raise StepError(f"at most {LIMITS.max_steps} steps, got {len(lines)}")
    steps = []
    for index, line in enumerate(lines, start=1):
        if not isinstance(line, str):
            raise StepError("a step must be text", index=index, text=repr(line))
        step = parse_step(line, index)
        validate_step(step, rules)
        steps.append(step)
    plan_processes(steps)
    return tuple(steps)


def plan_processes(steps: Sequence[Step]) -> tuple[tuple[Step, ...], ...]:
    """Group steps by the interpreter that runs them.

    ``restart`` opens a new interpreter (and is its first step, so its report shows the fresh
    state); ``python FILE.py`` is an interpreter of its own, after which only ``restart`` or
    another script may follow.
    """
    groups: list[list[Step]] = []
    current: list[Step] | None = None
    for step in steps:
        if step.kind == "restart":
            current = [step]
            groups.append(current)
        elif step.kind == "script":
            groups.append([step])
            current = None
        else:
            if current is None:
                if groups:
                    raise StepError(
                        "after `python FILE.py`, start a new interpreter with `restart`",
                        index=step.index,
                        text=step.text,
                    )
                current = []
                groups.append(current)
            current.append(step)
    if len(groups) > LIMITS.max_processes:
        raise StepError(
            f"a run starts at most {LIMITS.max_processes} interpreters "
            "(`restart` and `python FILE.py` each start one)"
        )
    return tuple(tuple(group) for group in groups)


def split_program(text: str) -> list[str]:
    """Turn a text area into steps: one per line, blank lines, `#` comments and `>>>` dropped."""
    if len(text) > LIMITS.max_steps * (LIMITS.max_step_length + 2):
        raise StepError("the program is too long")
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(">>>"):
            line = line[3:].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def describe_rules(rules: StepRules) -> Mapping[str, object]:
    """A summary a form can show next to the input box."""
    return {
        "modules": sorted(rules.modules | ALWAYS_IMPORTABLE),
        "kinds": [kind for kind in STEP_KINDS if kind in rules.kinds],
        "versions": dict(rules.versions),
        "scripts": sorted(rules.scripts),
    }
