"""content/<topic>/quiz.<lang>.toml: loading, validation with file and line, and dumping."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.content import dump_quizzes, parse_quiz
from quizzes.models import Choice, Question, Quiz

CONTENT = Path(__file__).resolve().parents[2] / "content"

TOPIC = 'order = 9\nlab = ""\n\n[name]\nzh-hans = "演示"\nen = "Demo"\n'
ARTICLE = '+++\ntitle = "演示"\nsummary = "一句话。"\nstatus = "published"\n+++\n## 取模 {#modulo}\n\n正文\n'
QUIZ = """title = "演示小测"
description = "一段**说明**。"
status = "published"

[[questions]]
key = "pick-one"
kind = "single"
prompt = "选一个"
explanation = "因为。"
anchor = "modulo"
tags = ["modulo"]

  [[questions.choices]]
  text = "对的"
  correct = true
  feedback = "对。"

  [[questions.choices]]
  text = "错的"
  correct = false
  feedback = "看起来像，其实不是。"
  misconception = "looks-right"

[[questions]]
key = "how-many"
kind = "numeric"
prompt = "多少？"
explanation = "这么多。"
answer = 157
tolerance = 0
anchor = "modulo"
"""


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("quiz.*.toml"))
    }


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def write_demo(root: Path, quiz: str = QUIZ) -> Path:
    folder = root / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topic.toml").write_text(TOPIC, encoding="utf-8")
    (folder / "zh-hans.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "quiz.zh-hans.toml").write_text(quiz, encoding="utf-8")
    return folder / "quiz.zh-hans.toml"


def load(root: Path) -> str:
    out = StringIO()
    call_command("loadcontent", path=str(root), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_shipped_quizzes_load_and_a_reload_or_a_dump_after_it_changes_nothing(content_copy):
    before = snapshot(content_copy)
    load(content_copy)
    files = sorted(content_copy.glob("*/quiz.*.toml"))
    assert Quiz.objects.count() == len(files) > 0
    for path in files:
        spec = parse_quiz(path, path.read_text(encoding="utf-8"))
        quiz = Quiz.objects.get(slug=path.parent.name, language=path.name.split(".")[1])
        assert quiz.questions.count() == len(spec.questions)
    stamps = list(Quiz.objects.order_by("pk").values_list("updated_at", flat=True))
    assert "0 created, 0 updated" in load(content_copy)
    assert list(Quiz.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    call_command("dumpcontent", path=str(content_copy), stdout=StringIO())
    assert snapshot(content_copy) == before


@pytest.mark.django_db
def test_the_canonical_dump_keeps_every_value_and_round_trips(content_copy):
    load(content_copy)
    written = dump_quizzes(content_copy, canonical=True)  # tomli_w's form for every quiz
    assert all(p.name.startswith("quiz.") for p in written)
    canonical = snapshot(content_copy)
    assert "0 created, 0 updated" in load(content_copy)  # the same data, to the last value
    assert dump_quizzes(content_copy, canonical=True) == []
    call_command("dumpcontent", path=str(content_copy), stdout=StringIO())
    assert snapshot(content_copy) == canonical


@pytest.mark.django_db
def test_a_changed_file_updates_questions_and_choices_in_place(tmp_path):
    root = tmp_path / "content"
    path = write_demo(root)
    load(root)
    question = Question.objects.get(key="pick-one")
    choice_ids = list(question.choices.values_list("pk", flat=True))
    path.write_text(QUIZ.replace('text = "错的"', 'text = "也错"'), encoding="utf-8")
    assert "1 updated" in load(root)
    assert Question.objects.get(key="pick-one").pk == question.pk
    assert list(question.choices.values_list("pk", flat=True)) == choice_ids
    assert Choice.objects.filter(text="也错").exists()
    assert Question.objects.get(key="pick-one").prompt_html == "<p>选一个</p>"


@pytest.mark.django_db
def test_a_question_removed_from_the_file_is_removed(tmp_path):
    root = tmp_path / "content"
    path = write_demo(root)
    load(root)
    path.write_text(QUIZ[: QUIZ.index('[[questions]]\nkey = "how-many"')], encoding="utf-8")
    load(root)
    assert list(Question.objects.values_list("key", flat=True)) == ["pick-one"]


@pytest.mark.django_db
def test_the_admins_edits_are_dumped_and_read_back(tmp_path):
    root = tmp_path / "content"
    path = write_demo(root)
    load(root)
    question = Question.objects.get(key="how-many")
    question.tolerance = 2.5
    question.save()
    written = dump_quizzes(root)
    assert written == [path]
    assert "tolerance = 2.5" in path.read_text(encoding="utf-8")
    assert "0 created, 0 updated" in load(root)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def swap(old: str, new: str):
    return lambda text: text.replace(old, new, 1)


@pytest.mark.parametrize(
    "change, number, message",
    [
        (
            swap('kind = "numeric"', 'kind = "essay"'),
            2,
            "question 2 (how-many): kind must be one of",
        ),
        (
            swap("correct = false", "correct = true"),
            1,
            "question 1 (pick-one): a single-choice question needs exactly one correct",
        ),
        (
            lambda text: text[: text.rindex('anchor = "modulo"')] + 'anchor = "nowhere"\n',
            2,
            "question 2 (how-many): anchor 'nowhere' is not a heading",
        ),
        (
            swap("answer = 157", 'answer = "157"'),
            2,
            "question 2 (how-many): a numeric answer must be a finite number",
        ),
        (
            swap('key = "how-many"', 'key = "pick-one"'),
            2,
            "question 2 (pick-one): the key is already used by question 1",
        ),
        (swap("tolerance = 0", "tolerance = -1"), 2, "tolerance must be a number"),
        (
            swap('tags = ["modulo"]', 'tags = ["modulo"]\nhint = "x"'),
            1,
            "question 1 (pick-one): unknown keys ['hint']",
        ),
        (
            swap('explanation = "这么多。"', 'explanation = ""'),
            2,
            "explanation must be a non-empty string",
        ),
    ],
)
@pytest.mark.django_db
def test_an_invalid_quiz_names_file_question_and_line_and_loads_nothing(
    tmp_path, change, number, message
):
    root = tmp_path / "content"
    text = change(QUIZ)
    path = write_demo(root, text)
    with pytest.raises(CommandError) as error:
        load(root)
    assert message in str(error.value)
    headers = [i for i, line in enumerate(text.split("\n"), 1) if line == "[[questions]]"]
    assert f"{path}:{headers[number - 1]}: " in str(error.value)
    assert not Quiz.objects.exists()


@pytest.mark.django_db
def test_a_bad_choice_names_the_choice_and_its_line(tmp_path):
    root = tmp_path / "content"
    text = QUIZ.replace('misconception = "looks-right"', 'misconception = "Looks Right"')
    path = write_demo(root, text)
    with pytest.raises(CommandError) as error:
        load(root)
    assert "question 1 (pick-one), choice 2: misconception" in str(error.value)
    second_choice = [
        i for i, line in enumerate(text.split("\n"), 1) if "[[questions.choices]]" in line
    ][1]
    assert f"{path}:{second_choice}: " in str(error.value)


@pytest.mark.django_db
def test_an_unregistered_generator_is_an_error(tmp_path):
    root = tmp_path / "content"
    extra = '\n[[questions]]\nkey = "fresh"\nkind = "generated"\ngenerator = "nobody.nothing"\nanchor = "modulo"\n'
    path = write_demo(root, QUIZ + extra)
    with pytest.raises(
        CommandError, match=r"question 3 \(fresh\): no generator named 'nobody.nothing'"
    ) as error:
        load(root)
    header = line_of(QUIZ + extra, 'key = "fresh"') - 1
    assert f"{path}:{header}:" in str(error.value)


@pytest.mark.django_db
def test_broken_toml_names_the_line(tmp_path):
    root = tmp_path / "content"
    path = write_demo(root, QUIZ.replace('prompt = "多少？"', 'prompt = "多少？'))
    with pytest.raises(CommandError) as error:
        load(root)
    line = line_of(QUIZ, 'prompt = "多少？"')
    assert f"{path}:{line}:" in str(error.value)


@pytest.mark.django_db
def test_check_validates_without_saving(tmp_path):
    root = tmp_path / "content"
    write_demo(root)
    call_command("loadcontent", "--check", path=str(root), stdout=StringIO())
    assert not Quiz.objects.exists()


@pytest.mark.django_db
def test_a_quiz_without_an_article_in_its_language_is_an_error(tmp_path):
    root = tmp_path / "content"
    path = write_demo(root)
    path.rename(path.with_name("quiz.en.toml"))
    with pytest.raises(CommandError, match="no article in its language"):
        load(root)
