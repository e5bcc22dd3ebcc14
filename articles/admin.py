"""Staff editing: a live preview beside the Markdown, revisions with diffs, one-click restore."""

from __future__ import annotations

import difflib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.markdown import render
from articles.models import Article, Revision, Topic

PREVIEW_MAX_CHARS = 200_000


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_zh_hans", "name_en", "lab", "order"]
    list_editable = ["order"]
    search_fields = ["slug", "name_zh_hans", "name_en"]


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["topic", "language", "slug", "title", "summary", "status", "published_at", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # htmx re-renders the preview as staff type: same pipeline and sanitiser as on save.
        self.fields["body"].widget.attrs.update(
            {
                "rows": 30,
                "class": "markdown-editor",
                "hx-post": reverse("admin:articles_article_preview"),
                "hx-trigger": "input changed delay:400ms, load",
                "hx-target": "#markdown-preview",
                "hx-include": "[name=csrfmiddlewaretoken]",
                "hx-sync": "this:replace",
            }
        )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["title", "language", "topic", "status", "updated_at", "view_link"]
    list_filter = ["topic", "language", "status"]
    search_fields = ["title", "summary", "body", "slug"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["reading_minutes", "created_at", "updated_at"]

    @admin.display(description=_("page"))
    def view_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("view"))

    def save_model(self, request, obj, form, change):
        obj.save(author=request.user, note="edited in the admin")

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            article.save(author=request.user)
        self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected articles"))
    def unpublish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save(author=request.user)
        self.message_user(request, _("Moved back to draft."), messages.SUCCESS)

    def get_urls(self):
        own = [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:article_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:article_id>/revisions/<int:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
        ]
        return own + super().get_urls()

    def preview_view(self, request):
        if request.method != "POST":
            return HttpResponse(status=405)
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        body = request.POST.get("body", "")
        if len(body) > PREVIEW_MAX_CHARS:
            return HttpResponse(
                _("The text is too long to preview (%(limit)s characters at most).")
                % {"limit": PREVIEW_MAX_CHARS},
                status=413,
            )
        return HttpResponse(render(body).html)

    def revisions_view(self, request, article_id):
        article = get_object_or_404(Article, pk=article_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("author"))
        selected = next(
            (r for r in revisions if str(r.pk) == request.GET.get("revision")),
            revisions[1] if len(revisions) > 1 else (revisions[0] if revisions else None),
        )
        diff = revision_diff(selected, article) if selected else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "revisions": revisions,
            "selected": selected,
            "diff": diff,
            "title": _("Revisions of “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request, article_id, revision_id):
        """Put a revision's title and body back; the restore itself writes a new revision."""
        if request.method != "POST":
            return HttpResponse(status=405)
        article = get_object_or_404(Article, pk=article_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = get_object_or_404(Revision, pk=revision_id, article=article)
        article.title, article.body = revision.title, revision.body
        article.save(author=request.user, note=f"restored revision {revision.pk}")
        self.message_user(
            request,
            _("Restored the revision of %(when)s.") % {"when": revision.created_at},
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)


def revision_diff(revision: Revision, article: Article) -> list[tuple[str, str]]:
    """Unified diff lines from a revision to the current text, each with a CSS class."""
    before = [f"# {revision.title}", *revision.body.splitlines()]
    after = [f"# {article.title}", *article.body.splitlines()]
    lines = []
    for line in difflib.unified_diff(before, after, "revision", "current", lineterm="", n=2):
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "context")
        if line.startswith(("+++", "---")):
            kind = "file"
        lines.append((kind, line))
    return lines


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "created_at", "author", "note"]
    list_filter = ["article__language"]
    readonly_fields = ["article", "title", "body", "author", "note", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
