"""Every predict-the-output question's expected output is what its code really prints.

Plain code runs in a fresh ``python -I`` process in an empty directory; code with a
``scenario`` is a list of import-lab steps (one per line), run by the lab's sandbox.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from quizzes.content import parse_quiz

CONTENT = Path(__file__).resolve().parents[2] / "content"


def output_questions():
    for path in sorted(CONTENT.glob("*/quiz.*.toml")):
        spec = parse_quiz(path, path.read_text(encoding="utf-8"))
        for question in spec.questions:
            values = question.values
            if values["kind"] == "output":
                name = f"{path.parent.name}/{path.name}/{values['key']}"
                yield pytest.param(values, id=name)


@pytest.mark.parametrize("question", list(output_questions()))
def test_the_expected_output_is_what_the_code_prints(question, tmp_path):
    if question["scenario"]:
        from labs.imports.sandbox import run_output

        steps = [line for line in question["code"].splitlines() if line.strip()]
        printed = run_output(question["scenario"], steps)
    else:
        result = subprocess.run(
            [sys.executable, "-I", "-c", question["code"]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        printed = result.stdout
    assert printed == question["expected"]
