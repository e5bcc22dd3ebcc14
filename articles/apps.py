from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from articles import search
        from articles.models import Article

        def keep_index_in_sync(sender, instance, **kwargs):
            search.index_article(instance)

        def drop_from_index(sender, instance, **kwargs):
            search.unindex_article(instance.pk)

        post_save.connect(
            keep_index_in_sync, sender=Article, dispatch_uid="articles.index", weak=False
        )
        post_delete.connect(
            drop_from_index, sender=Article, dispatch_uid="articles.unindex", weak=False
        )
