"""The import lab's scenarios: small packages written to a fresh directory for every run.

Scenario names are part of the site's URLs (``/<lang>/labs/imports/?scenario=<name>``):
never rename one. Every module announces itself with a ``print`` on its first line, so the
printed output shows when a body runs; the runner also counts executions itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labs.imports.steps import Step, StepRules, parse_steps

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Text:
    zh_hans: str
    en: str

    def get(self, language: str) -> str:
        if language == "zh-hans":
            return self.zh_hans
        if language == "en":
            return self.en
        raise ValueError(f"unknown language {language!r} (expected one of {LANGUAGES})")


@dataclass(frozen=True)
class ModuleFile:
    path: str  # relative, with "/" separators: "demo.py", "pkg/__init__.py"
    versions: tuple[str, ...]  # version 1 first; `switch m to version N` picks versions[N-1]

    @property
    def module(self) -> str:
        parts = self.path.removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: Text
    question: Text  # the one-line question the scenario answers
    answer: Text  # what the default steps show, in one or two sentences
    files: tuple[ModuleFile, ...]
    default_steps: tuple[str, ...]
    kinds: frozenset[str]  # the step kinds allowed here
    stdlib_modules: frozenset[str] = frozenset()  # importable besides the scenario's own
    scripts: frozenset[str] = frozenset()  # files `python FILE.py` may run
    write_bytecode: bool = False  # only the pycache scenario writes __pycache__
    measure_memory: bool = False  # tracemalloc around every step
    import_time: bool = False  # run under `-X importtime`
    site_packages: bool = False  # numpy is importable (memory-myth)

    @property
    def modules(self) -> frozenset[str]:
        return frozenset(file.module for file in self.files)

    @property
    def rules(self) -> StepRules:
        versions = tuple(
            (file.module, len(file.versions)) for file in self.files if len(file.versions) > 1
        )
        return StepRules(
            modules=self.modules | self.stdlib_modules,
            kinds=self.kinds,
            versions=versions,
            scripts=self.scripts,
        )

    def parse(self, lines: Sequence[str]) -> tuple[Step, ...]:
        return parse_steps(lines, self.rules)


class UnknownScenario(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no import-lab scenario named {name!r} (try: {', '.join(SCENARIOS)})")
        self.name = name


_CORE = frozenset(
    {"import", "from", "from-star", "reload", "del-module", "assign", "print", "expr", "restart"}
)
_WITH_SWITCH = _CORE | {"switch"}


def _module(path: str, *versions: str) -> ModuleFile:
    return ModuleFile(path=path, versions=tuple(versions))


IMPORT_TWICE = Scenario(
    name="import-twice",
    title=Text("导入两次", "Importing twice"),
    question=Text(
        "第二次 `import demo` 会再执行一遍 `demo.py` 吗？",
        "Does a second `import demo` run `demo.py` again?",
    ),
    answer=Text(
        "不会。第一次导入执行模块体并把模块放进 `sys.modules`；"
        "第二次只是一次字典查找，再把名字绑定一遍。",
        "No. The first import runs the body and caches the module in `sys.modules`; "
        "the second is a dictionary lookup that binds the name again.",
    ),
    files=(_module("demo.py", 'print("running demo.py")\nx = 42\n'),),
    default_steps=(
        "import demo",
        "import demo",
        "import sys",
        "print(sys.modules['demo'] is demo)",
    ),
    kinds=_CORE,
)

IMPORT_VS_FROM = Scenario(
    name="import-vs-from",
    title=Text("`import m` 与 `from m import x`", "`import m` vs `from m import x`"),
    question=Text(
        "`from demo import counter` 之后把 `demo.counter` 改成 5，`counter` 会跟着变吗？",
        "After `from demo import counter`, does `counter` follow when `demo.counter` becomes 5?",
    ),
    answer=Text(
        "不会。`from` 导入把当时 `demo.counter` 指向的对象绑定到新名字上，"
        "之后给模块属性重新赋值不会影响这个名字；函数在调用时读取的仍是模块里的当前值。",
        "No. `from` binds a new name to the object `demo.counter` referred to at that moment; "
        "rebinding the module attribute later does not touch that name. A function still "
        "reads its module's current global when called.",
    ),
    files=(
        _module(
            "demo.py",
            'print("running demo.py")\n'
            "counter = 0\n"
            "\n"
            "\n"
            "def greet():\n"
            "    # reads the module global when called, not when imported\n"
            '    return f"hello, counter is {counter}"\n',
        ),
    ),
    default_steps=(
        "import demo",
        "from demo import counter, greet",
        "demo.counter = 5",
        "print(counter, demo.counter)",
        "print(greet())",
        "print(greet is demo.greet)",
    ),
    kinds=_CORE,
)

_RELOAD_V1 = (
    'print("running demo.py (version 1)")\n'
    "import helper  # cached in sys.modules: a reload does not run helper.py again\n"
    "\n"
    "\n"
    "def greet():\n"
    '    return "hello from version 1"\n'
    "\n"
    "\n"
    "class C:\n"
    "    pass\n"
    "\n"
    "\n"
    'old_name = "defined only in version 1"\n'
)
_RELOAD_V2 = (
    'print("running demo.py (version 2)")\n'
    "import helper\n"
    "\n"
    "\n"
    "def greet():\n"
    '    return "hello from version 2"\n'
    "\n"
    "\n"
    "class C:\n"
    "    pass\n"
    "\n"
    "\n"
    "# old_name is gone from the source\n"
)

RELOAD_STALE = Scenario(
    name="reload-stale",
    title=Text("`importlib.reload` 与过期的名字", "`importlib.reload` and stale names"),
    question=Text(
        "`importlib.reload(demo)` 之后，先前 `from demo import greet` 得到的 `greet` 是新函数吗？",
        "After `importlib.reload(demo)`, is the `greet` from an earlier `from demo import greet` "
        "the new function?",
    ),
    answer=Text(
        "不是。`reload` 在同一个模块对象里重新执行模块体：`demo.greet` 换成了新函数，"
        "`greet` 仍指向旧函数；旧实例不是新 `demo.C` 的实例；源码里删掉的名字还留在模块里；"
        "`helper` 不会被再执行。",
        "No. `reload` runs the body again inside the same module object: `demo.greet` is a new "
        "function while `greet` still points at the old one; an old instance is not an instance "
        "of the new `demo.C`; a name deleted from the source survives; `helper` does not run again.",
    ),
    files=(
        _module("demo.py", _RELOAD_V1, _RELOAD_V2),
        _module("helper.py", 'print("running helper.py")\n'),
    ),
    default_steps=(
        "import importlib",
        "import demo",
        "from demo import greet",
        "obj = demo.C()",
        "before = id(demo)",
        "switch demo to version 2",
        "importlib.reload(demo)",
        "print(greet())",
        "print(demo.greet())",
        "print(isinstance(obj, demo.C))",
        "print(id(demo) == before)",
        "print(demo.old_name)",
    ),
    kinds=_WITH_SWITCH,
)

DEL_SYS_MODULES = Scenario(
    name="del-sys-modules",
    title=Text("从 `sys.modules` 删除模块", "Deleting a module from `sys.modules`"),
    question=Text(
        "`del sys.modules['demo']` 之后再 `import demo`，得到的是同一个模块对象吗？",
        "After `del sys.modules['demo']`, does `import demo` give back the same module object?",
    ),
    answer=Text(
        "不是。缓存里没有 `demo` 了，下一次导入会再执行一遍模块体，创建一个新的模块对象；"
        "旧名字仍指向旧对象。",
        "No. With the cache entry gone, the next import runs the body again and creates a new "
        "module object; a name bound earlier still points at the old one.",
    ),
    files=(_module("demo.py", 'print("running demo.py")\nvalue = "fresh"\n'),),
    default_steps=(
        "import sys",
        "import demo",
        "old = demo",
        "del sys.modules['demo']",
        "print('demo' in sys.modules)",
        "import demo",
        "print(old is demo)",
    ),
    kinds=_CORE,
)

_CIRCULAR_A = (
    'print("running a.py")\n'
    "from b import helper_b  # b starts running before X below exists\n"
    "\n"
    "X = 1\n"
    "\n"
    "\n"
    "def helper_a():\n"
    '    return "a"\n'
)
_CIRCULAR_B = (
    'print("running b.py")\n'
    "from a import X  # a is in sys.modules but only half run: no X yet\n"
    "\n"
    "\n"
    "def helper_b():\n"
    "    return X\n"
)

CIRCULAR = Scenario(
    name="circular",
    title=Text("循环导入", "A circular import"),
    question=Text(
        "`a` 导入 `b`，`b` 又从 `a` 导入 `X`，会发生什么？",
        "`a` imports `b`, and `b` imports `X` from `a`: what happens?",
    ),
    answer=Text(
        "`a` 在执行之前就已放进 `sys.modules`，所以 `b` 拿到的是一个只执行了一半的 `a`，"
        "其中还没有 `X`：ImportError，提示 partially initialized module（循环导入）。",
        "`a` is put in `sys.modules` before its body runs, so `b` finds a half-initialised `a` "
        "with no `X` yet: ImportError about a partially initialized module (a circular import).",
    ),
    files=(_module("a.py", _CIRCULAR_A), _module("b.py", _CIRCULAR_B)),
    default_steps=("import sys", "import a", "print('a' in sys.modules, 'b' in sys.modules)"),
    kinds=_CORE,
)

_FIXED_A = (
    'print("running a.py")\n'
    "import b  # binds the module b; nothing is read from it yet\n"
    "\n"
    "X = 1\n"
    "\n"
    "\n"
    "def use_b():\n"
    "    return b.read_x()\n"
)
_FIXED_B_ATTRIBUTE = (
    'print("running b.py")\n'
    "import a  # a is half run here, and that is fine: a.X is read later\n"
    "\n"
    "\n"
    "def read_x():\n"
    "    return a.X  # looked up at call time, when a has finished\n"
)
_FIXED_B_LOCAL = (
    'print("running b.py (version 2)")\n'
    "\n"
    "\n"
    "def read_x():\n"
    "    from a import X  # imported at call time, when a has finished\n"
    "    return X\n"
)

CIRCULAR_FIXED = Scenario(
    name="circular-fixed",
    title=Text("修好循环导入", "Fixing a circular import"),
    question=Text(
        "怎样让两个互相导入的模块都能正常工作？",
        "How can two modules that import each other both work?",
    ),
    answer=Text(
        "不要在导入时读取对方的属性：用 `import a` 并在调用时访问 `a.X`，"
        "或者把导入放进函数里（`switch b to version 2`）。",
        "Read nothing from the other module at import time: `import a` and look up `a.X` when "
        "called, or move the import into the function (`switch b to version 2`).",
    ),
    files=(_module("a.py", _FIXED_A), _module("b.py", _FIXED_B_ATTRIBUTE, _FIXED_B_LOCAL)),
    default_steps=("import a", "print(a.use_b())"),
    kinds=_WITH_SWITCH,
)

IMPORT_SUBMODULE = Scenario(
    name="import-submodule",
    title=Text("导入子模块", "Importing a submodule"),
    question=Text(
        "`import pkg.sub` 和 `from pkg import sub` 分别绑定了哪个名字？",
        "Which name does `import pkg.sub` bind, and which does `from pkg import sub`?",
    ),
    answer=Text(
        "`import pkg.sub` 绑定 `pkg`（先执行 `pkg/__init__.py`，子模块成为 `pkg` 的属性 `sub`）；"
        "`from pkg import sub` 绑定 `sub`。两者是同一个模块对象。",
        "`import pkg.sub` binds `pkg` (its `__init__.py` runs first, and the submodule becomes "
        "the attribute `pkg.sub`); `from pkg import sub` binds `sub`. Both are one module object.",
    ),
    files=(
        _module("pkg/__init__.py", 'print("running pkg/__init__.py")\n'),
        _module(
            "pkg/sub.py",
            'print("running pkg/sub.py")\n'
            "from . import util  # a relative import: pkg.util\n"
            "\n"
            "\n"
            "def where():\n"
            '    return f"pkg.sub uses {util.NAME}"\n',
        ),
        _module("pkg/util.py", 'print("running pkg/util.py")\nNAME = "pkg.util"\n'),
    ),
    default_steps=(
        "import pkg.sub",
        "print(pkg.sub.where())",
        "from pkg import sub",
        "print(sub is pkg.sub)",
    ),
    kinds=_CORE,
)

STAR_IMPORT = Scenario(
    name="star-import",
    title=Text("`from m import *`", "`from m import *`"),
    question=Text(
        "`from m import *` 会导入哪些名字？",
        "Which names does `from m import *` bring in?",
    ),
    answer=Text(
        "有 `__all__` 时只导入其中列出的名字；没有 `__all__` 时导入所有不以下划线开头的名字，"
        "包括模块自己导入的模块。",
        "With `__all__`, exactly the names it lists; without it, every name that does not start "
        "with an underscore, modules the module imported included.",
    ),
    files=(
        _module(
            "shapes.py",
            'print("running shapes.py")\n'
            '__all__ = ["square_area", "PI_ISH"]\n'
            "\n"
            "PI_ISH = 3\n"
            "SIDE = 4  # public, but not listed in __all__\n"
            "_cache = {}\n"
            "\n"
            "\n"
            "def square_area():\n"
            "    return SIDE * SIDE\n",
        ),
        _module(
            "plain.py",
            'print("running plain.py")\n'
            "import shapes  # without __all__, a star import exports this name too\n"
            "\n"
            'RED = "#f00"\n'
            '_secret = "hidden"\n'
            "\n"
            "\n"
            "def paint():\n"
            '    return "painted " + RED\n',
        ),
    ),
    default_steps=(
        "from shapes import *",
        "print(square_area(), PI_ISH)",
        "from plain import *",
        "print(paint())",
        "print(shapes.SIDE)",
    ),
    kinds=_CORE,
)

MEMORY_MYTH = Scenario(
    name="memory-myth",
    title=Text("`from m import x` 更省内存吗？", "Does `from m import x` save memory?"),
    question=Text(
        "`from json import dumps` 比 `import json` 加载得更少吗？",
        "Does `from json import dumps` load less than `import json`?",
    ),
    answer=Text(
        "不会。两种写法都完整执行 `json` 包并缓存到 `sys.modules`：新增的模块集合相同，"
        "tracemalloc 测得的内存也几乎相同；区别只在绑定了哪个名字。",
        "No. Both run the whole `json` package and cache it in `sys.modules`: the same set of "
        "new modules and practically the same traced memory; only the bound name differs.",
    ),
    files=(),
    default_steps=("import json", "restart", "from json import dumps"),
    kinds=frozenset({"import", "from", "from-star", "print", "expr", "restart"}),
    stdlib_modules=frozenset({"json", "decimal", "asyncio", "email.message", "numpy"}),
    measure_memory=True,
    site_packages=True,
)

PYCACHE = Scenario(
    name="pycache",
    title=Text("`__pycache__` 与字节码缓存", "`__pycache__` and the bytecode cache"),
    question=Text(
        "`__pycache__` 里的 `.pyc` 何时写入、何时使用？主脚本会被缓存吗？",
        "When is a `.pyc` in `__pycache__` written, when is it used, and is the main script "
        "cached?",
    ),
    answer=Text(
        "第一次导入编译源码并写入 `__pycache__/demo.cpython-311.pyc`（头部记录源码的修改时间和大小，"
        "PEP 552）；新进程再导入时校验通过就直接加载缓存。直接运行的主脚本从不缓存。",
        "The first import compiles the source and writes `__pycache__/demo.cpython-311.pyc` "
        "(its header records the source's mtime and size, PEP 552); a fresh process that "
        "imports it again loads the cache once that check passes. A main script is never cached.",
    ),
    files=(
        _module("demo.py", 'print("running demo.py")\n', 'print("running demo.py (version 2)")\n'),
        _module("main.py", 'print("running main.py")\nimport demo\n'),
    ),
    default_steps=("import demo", "restart", "import demo", "python main.py"),
    kinds=frozenset(_WITH_SWITCH | {"script"}),
    scripts=frozenset({"main.py"}),
    write_bytecode=True,
)

IMPORTTIME = Scenario(
    name="importtime",
    title=Text("`python -X importtime`", "`python -X importtime`"),
    question=Text(
        "`import json` 的时间花在哪里？",
        "Where does the time of `import json` go?",
    ),
    answer=Text(
        "`-X importtime` 为每个被导入的模块打印自身耗时和累计耗时（微秒），缩进表示嵌套："
        "`json` 的大部分时间花在它导入的 `re` 和 `enum` 上。",
        "`-X importtime` prints each imported module's own and cumulative time (microseconds), "
        "indented by nesting: most of `json`'s time goes to the `re` and `enum` it imports.",
    ),
    files=(),
    default_steps=("import json",),
    kinds=frozenset({"import", "from", "restart"}),
    stdlib_modules=frozenset({"json", "decimal", "asyncio", "email.message", "logging"}),
    import_time=True,
)

SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        IMPORT_TWICE,
        IMPORT_VS_FROM,
        RELOAD_STALE,
        DEL_SYS_MODULES,
        CIRCULAR,
        CIRCULAR_FIXED,
        IMPORT_SUBMODULE,
        STAR_IMPORT,
        MEMORY_MYTH,
        PYCACHE,
        IMPORTTIME,
    )
}


def get(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise UnknownScenario(name) from None


def names() -> list[str]:
    return list(SCENARIOS)
