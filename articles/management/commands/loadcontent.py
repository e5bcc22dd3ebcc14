"""Load content/ into the database: all of it or nothing, and nothing when nothing changed."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.content import ContentError, Report, load_articles
from quizzes.content import load_quizzes


class Command(BaseCommand):
    help = "Load content/ (topics, articles, quizzes) into the database. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Validate only; save nothing.")
        parser.add_argument("--path", default=str(settings.BASE_DIR / "content"))

    def handle(self, *args, **options):
        root = Path(options["path"])
        report = Report()
        try:
            with transaction.atomic():
                report.merge(load_articles(root))
                report.merge(load_quizzes(root))
                if options["check"]:
                    transaction.set_rollback(True)
        except ContentError as exc:
            raise CommandError(str(exc)) from None
        verb = "would change" if options["check"] else "changed"
        for line in report.created + report.updated:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"content: {len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged ({verb}: {len(report.created) + len(report.updated)})"
        )
