"""A reader takes a quiz one question at a time, misses one, reads why, and meets the miss
again in the mistakes notebook and the practice queue. Also: the whole quiz on one page,
its results, and screenshots of the quiz pages in both themes and on a phone."""

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, screenshot

QUIZ = "/en/quizzes/consistent-hashing/"
STEP = f"{QUIZ}step/"
PRACTICE = "/en/practice/"
FIRST_PROMPT = "roughly what percentage of keys change server"


def answer_anything(fieldset) -> None:
    """Give some answer to every input of one question (right or wrong does not matter)."""
    choice = fieldset.locator("input[type=radio], input[type=checkbox]")
    if choice.count():
        choice.first.check()
        return
    box = fieldset.locator("input[type=text], textarea").first
    box.fill("1")


def test_one_question_at_a_time_then_the_miss_is_in_the_notebook_and_the_queue(
    live_site, page, page_problems
):
    page.goto(f"{live_site.url}{STEP}")
    assert "Question 1 of 20" in page.locator(".step-progress").inner_text()
    assert FIRST_PROMPT in page.locator(".question-prompt").inner_text()
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    screenshot(page, "quiz-step-en-desktop-light")

    page.get_by_label("Your answer (a number)").fill("12")
    page.get_by_role("button", name="Check my answer").click()
    verdict = page.locator("#quiz-step .verdict")
    verdict.wait_for()
    assert "Not right" in verdict.inner_text()
    feedback = page.locator("#quiz-step .feedback.wrong")
    assert "10/11" in feedback.inner_text()  # the explanation
    link = feedback.get_by_role("link", name=re.compile("section of the article"))
    assert link.get_attribute("href") == "/en/articles/consistent-hashing/#modulo-problem"
    assert "90.9 ± 0.5" in page.locator(".answer-compare").inner_text()
    assert page.evaluate("window.sameDocument") is True  # htmx swapped it in place
    screenshot(page, "quiz-step-feedback-en-desktop-light")

    page.get_by_role("link", name=re.compile("Next question")).click()
    page.locator(".step-progress", has_text="Question 2 of 20").wait_for()
    answer_anything(page.locator("#quiz-step fieldset"))
    page.get_by_role("button", name="Check my answer").click()
    page.locator("#quiz-step .verdict").wait_for()
    assert "2 of 20 answered" in page.locator(".step-progress").inner_text()
    assert page.evaluate("window.sameDocument") is True

    page.goto(f"{live_site.url}{PRACTICE}")
    notebook = page.locator("#mistakes")
    assert FIRST_PROMPT in notebook.inner_text()
    assert int(page.locator("#due-count").inner_text()) >= 1
    queue = page.locator("#practice-item")
    assert queue.locator("fieldset").count() == 1  # a question due today, ready to answer
    screenshot(page, "practice-en-desktop-light")

    page.goto(f"{live_site.url}{PRACTICE}?question=" + notebook_question_id(page))
    assert FIRST_PROMPT in page.locator("#practice-item").inner_text()
    page.locator("#practice-item").get_by_label("Your answer (a number)").fill("90.9")
    page.get_by_role("button", name="Check my answer").click()
    page.locator("#practice-item .verdict").wait_for()
    assert "Right" in page.locator("#practice-item .verdict").inner_text()
    page.reload()
    assert FIRST_PROMPT not in page.locator("#mistakes").inner_text()
    assert page_problems == []


def notebook_question_id(page) -> str:
    """The id in the notebook's "Try it again now" link of the first-question miss."""
    for href in page.locator("#mistakes a.button").evaluate_all("els => els.map(e => e.href)"):
        question = href.split("question=")[1].split("#")[0]
        item = page.locator(f"#mistakes li:has(a[href*='question={question}#'])")
        if FIRST_PROMPT in item.inner_text():
            return question
    raise AssertionError("the miss is not in the notebook")


def test_the_whole_quiz_on_one_page_works_without_javascript(live_site, browser, page_problems):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{live_site.url}{QUIZ}")
        questions = page.locator("#quiz-form fieldset.question")
        assert questions.count() == 20
        screenshot(page, "quiz-whole-en-desktop-light-nojs")
        for index in range(questions.count()):
            answer_anything(questions.nth(index))
        page.get_by_role("button", name="Submit all answers").click()
        page.wait_for_url(re.compile(r"/results/"))
        assert re.search(r"\d+(\.\d+)? / 20", page.locator(".score").inner_text())
        assert page.locator("article.reviewed").count() == 20
        screenshot(page, "quiz-results-en-desktop-light-nojs")
        page.get_by_role("button", name=re.compile("Retake only my mistakes")).click()
        page.wait_for_url(re.compile(r"/step/$"))
        assert "Question 1 of" in page.locator(".step-progress").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_quiz_pages_fit_the_viewport_in_both_themes(
    live_site, new_page, page_problems, scheme, size_name, viewport
):
    page = new_page(viewport=viewport, color_scheme=scheme)
    for language in ("zh-hans", "en"):
        page.goto(f"{live_site.url}/{language}/quizzes/consistent-hashing/step/")
        fieldset = page.locator("#quiz-step fieldset")
        answer_anything(fieldset)
        page.locator("#quiz-step button[type=submit]").click()
        page.locator("#quiz-step .verdict").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"quiz-feedback-{language}-{size_name}-{scheme}")
        for path in ("quizzes/consistent-hashing/", "practice/", "quizzes/"):
            page.goto(f"{live_site.url}/{language}/{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"quizzes-index-{language}-{size_name}-{scheme}")
        page.goto(f"{live_site.url}/{language}/practice/")
        screenshot(page, f"practice-{language}-{size_name}-{scheme}")
    assert page_problems == []
