"""Every Python snippet in content/ runs and prints what the article says it prints.

The rules are in content/README.md: blocks starting with `# file: path` are written into a
scratch directory shared by the article's blocks; other python blocks run there in a fresh
`python -I`; a ```text block right after one is its expected output (`...` matches any text).
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "content"
FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```\s*$", re.M | re.S)
FILE_BLOCK = re.compile(r"#\s*file:\s*(\S+)")
ARTICLES = sorted(CONTENT.glob("*/*.md"))
QUIZZES = sorted(CONTENT.glob("*/quiz.*.toml"))
SNIPPET_TIMEOUT = 20


def output_matches(expected: str, actual: str) -> bool:
    want = [line.rstrip() for line in expected.rstrip("\n").split("\n")]
    got = [line.rstrip() for line in actual.rstrip("\n").split("\n")]
    if len(want) != len(got):
        return False
    for pattern_line, line in zip(want, got, strict=True):
        pattern = ".*".join(re.escape(part) for part in pattern_line.split("..."))
        if not re.fullmatch(pattern, line):
            return False
    return True


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=SNIPPET_TIMEOUT,
    )


def test_output_matching_understands_ellipses():
    assert output_matches("id = ...\nok", "id = 140234\nok\n")
    assert not output_matches("a\nb", "a\n")
    assert not output_matches("x = 1", "x = 2")


@pytest.mark.slow
@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_python_snippet_runs_and_prints_what_the_article_shows(path, tmp_path):
    blocks = [(m.group(1), m.group(2)) for m in FENCE.finditer(path.read_text(encoding="utf-8"))]
    failures = []
    for index, (info, code) in enumerate(blocks):
        if info != "python":
            continue
        target = FILE_BLOCK.match(code.split("\n", 1)[0])
        if target:
            destination = tmp_path / target.group(1)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(code, encoding="utf-8")
            continue
        result = run_python(code, tmp_path)
        if result.returncode != 0:
            failures.append(f"block {index} exited {result.returncode}:\n{result.stderr[-800:]}")
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following and following[0] == "text" and not output_matches(following[1], result.stdout):
            failures.append(
                f"block {index} printed:\n{result.stdout}\nbut the article shows:\n{following[1]}"
            )
    assert failures == []


def output_questions():
    for path in QUIZZES:
        quiz = tomllib.loads(path.read_text(encoding="utf-8"))
        for question in quiz.get("questions", []):
            if question.get("kind") == "output":
                yield pytest.param(question, id=f"{path.parent.name}/{path.name}/{question['key']}")


@pytest.mark.slow
@pytest.mark.parametrize("question", list(output_questions()))
def test_every_predict_the_output_question_prints_its_expected_answer(question, tmp_path):
    if question.get("scenario"):
        from labs.imports.sandbox import run_output

        steps = [line for line in question["code"].splitlines() if line.strip()]
        assert run_output(question["scenario"], steps) == question["expected"]
    else:
        result = run_python(question["code"], tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout == question["expected"]
