"""One topic, its three faces: the article, the lab and the quiz, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from articles.models import Article, Topic
from labs import catalog


@dataclass(frozen=True)
class TopicCard:
    topic: Topic
    name: str
    article: Article | None
    lab_url: str | None
    quiz_url: str | None


def quiz_urls(language: str) -> dict[int, str]:
    """Published quiz URL per topic id (empty while the quiz app has no quizzes)."""
    from quizzes.models import Quiz

    return {
        quiz.topic_id: quiz.get_absolute_url()
        for quiz in Quiz.objects.published().filter(language=language)
    }


def topic_cards(language: str) -> list[TopicCard]:
    articles = {
        article.topic_id: article
        for article in Article.objects.published().in_language(language).for_listing()
    }
    quizzes = quiz_urls(language)
    cards = []
    for topic in Topic.objects.all():
        lab = catalog.get(topic.lab)
        cards.append(
            TopicCard(
                topic=topic,
                name=topic.name(language),
                article=articles.get(topic.id),
                lab_url=lab.url() if lab else None,
                quiz_url=quizzes.get(topic.id),
            )
        )
    return cards


@dataclass(frozen=True)
class TopicLinks:
    lab_url: str | None
    quiz_url: str | None


def topic_links(topic: Topic, language: str) -> TopicLinks:
    """The lab and the published quiz of one topic, for an article page."""
    from quizzes.models import Quiz

    lab = catalog.get(topic.lab)
    quiz = Quiz.objects.published().filter(topic=topic, language=language).first()
    return TopicLinks(
        lab_url=lab.url() if lab else None,
        quiz_url=quiz.get_absolute_url() if quiz else None,
    )
