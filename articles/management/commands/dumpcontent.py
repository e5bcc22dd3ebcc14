"""Write the database back to content/ in canonical form (a load then a dump changes nothing)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.content import dump_articles
from quizzes.content import dump_quizzes


class Command(BaseCommand):
    help = "Write topics, articles and quizzes from the database to content/."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(settings.BASE_DIR / "content"))

    def handle(self, *args, **options):
        root = Path(options["path"])
        written = dump_articles(root) + dump_quizzes(root)
        for path in written:
            self.stdout.write(f"  wrote {path}")
        self.stdout.write(f"content: {len(written)} files written")
