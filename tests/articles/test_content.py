import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Revision, Topic

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_topic(root: Path, slug="demo", body="## 小节 {#part}\n\n正文\n", front=None):
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "topic.toml").write_text(
        'order = 9\nlab = ""\n\n[name]\nzh-hans = "演示"\nen = "Demo"\n', encoding="utf-8"
    )
    front = front or 'title = "演示文章"\nsummary = "一句话。"\nstatus = "published"\n'
    (folder / "zh-hans.md").write_text(f"+++\n{front}+++\n{body}", encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_loading_the_shipped_content_creates_every_topic_and_article(content_copy):
    call_command("loadcontent", path=str(content_copy), stdout=StringIO())
    slugs = set(Topic.objects.values_list("slug", flat=True))
    assert {"consistent-hashing", "random-numbers", "python-import", "import-caching"} <= slugs
    for slug in slugs:
        assert Article.objects.filter(slug=slug, language="zh-hans").exists()
        assert Article.objects.filter(slug=slug, language="en").exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time(content_copy):
    call_command("loadcontent", path=str(content_copy), stdout=StringIO())
    revisions = Revision.objects.count()
    stamps = list(Article.objects.order_by("pk").values_list("updated_at", flat=True))
    call_command("loadcontent", path=str(content_copy), stdout=StringIO())
    assert Revision.objects.count() == revisions
    assert list(Article.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


@pytest.mark.django_db
def test_a_dump_after_a_load_changes_no_file(content_copy):
    before = snapshot(content_copy)
    call_command("loadcontent", path=str(content_copy), stdout=StringIO())
    call_command("dumpcontent", path=str(content_copy), stdout=StringIO())
    after = snapshot(content_copy)
    changed = [name for name in before if before[name] != after.get(name)]
    assert changed == []


@pytest.mark.django_db
def test_dump_writes_what_the_admin_changed_and_load_reads_it_back(tmp_path):
    root = tmp_path / "content"
    write_topic(root)
    call_command("loadcontent", path=str(root), stdout=StringIO())
    article = Article.objects.get(slug="demo")
    article.body = "## 新的 {#new}\n\n改过了\n"
    article.save()
    call_command("dumpcontent", path=str(root), stdout=StringIO())
    assert "改过了" in (root / "demo" / "zh-hans.md").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_a_bad_file_loads_nothing_and_the_error_names_file_and_line(tmp_path):
    root = tmp_path / "content"
    write_topic(root, slug="good")
    write_topic(
        root, slug="zzz-bad", front='title = "unterminated\nsummary = "x"\nstatus = "published"\n'
    )
    with pytest.raises(CommandError) as error:
        call_command("loadcontent", path=str(root), stdout=StringIO())
    assert "zzz-bad/zh-hans.md:2" in str(error.value)
    assert not Topic.objects.exists()  # the good folder before it was rolled back too


@pytest.mark.parametrize(
    "front, message",
    [
        ('title = "t"\nsummary = "s"\nstatus = "live"\n', "status"),
        ('title = "t"\nsummary = "s"\n', "missing keys"),
        ('title = "t"\nsummary = "s"\nstatus = "draft"\nauthor = "x"\n', "unknown keys"),
        ('title = ""\nsummary = "s"\nstatus = "draft"\n', "title"),
    ],
)
@pytest.mark.django_db
def test_invalid_front_matter_is_refused_with_a_reason(tmp_path, front, message):
    root = tmp_path / "content"
    write_topic(root, front=front)
    with pytest.raises(CommandError, match=message):
        call_command("loadcontent", path=str(root), stdout=StringIO())


@pytest.mark.django_db
def test_check_validates_without_saving(tmp_path):
    root = tmp_path / "content"
    write_topic(root)
    call_command("loadcontent", "--check", path=str(root), stdout=StringIO())
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_file_without_front_matter_is_refused(tmp_path):
    root = tmp_path / "content"
    folder = write_topic(root)
    (folder / "zh-hans.md").write_text("# no front matter\n", encoding="utf-8")
    with pytest.raises(CommandError, match="front matter"):
        call_command("loadcontent", path=str(root), stdout=StringIO())
