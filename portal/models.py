"""The public search's derived tables: one search document per published recommendation, and a
version counter per State. Kept by database triggers (portal.sql); exempt from row-level
security (tenants.rls.DERIVED_TABLES). The table names are those of the migration that created
them in ``recommendations``.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F


class SearchDocument(models.Model):
    """The public portal's copy of one published recommendation: facet keys and a text-search vector.

    Derived data, kept by database triggers (migration 0014, recommendations/search.py): a
    recommendation gets a row when it is published and loses it when it is unpublished or
    deleted; a published progress update refreshes its status. It is exempt from row-level
    security (tenants.rls.DERIVED_TABLES) so that PostgreSQL can use its GIN indexes for the
    full-text operators, which are not leakproof; every read names the State explicitly
    (``state_id = ...`` and the State's lexeme in the text query), and the application's role
    may only read it: the triggers write it through SECURITY DEFINER functions that read the
    recommendations under the transaction's own State. No internal field reaches it.
    """

    id = models.BigIntegerField(primary_key=True)  # the recommendation's id
    state_id = models.BigIntegerField()
    issued_on = models.DateField(null=True)
    # Languages the recommendation has its own text in (the others show the original).
    languages = ArrayField(models.CharField(max_length=10), default=list)
    # One number per facet value: facet * 10**12 + value (portal.search.Facet).
    keys = ArrayField(models.BigIntegerField(), default=list)
    document = SearchVectorField()
    # The implementation status of the latest published progress update, and its date.
    status = models.CharField(max_length=30, blank=True)
    status_on = models.DateField(null=True)

    class Meta:
        db_table = "recommendations_searchdoc"
        indexes = [
            GinIndex(fields=["keys"], name="searchdoc_keys_gin"),
            GinIndex(fields=["document"], name="searchdoc_document_gin"),
            models.Index("state_id", F("issued_on").desc(nulls_last=True), F("id").desc(), name="searchdoc_date_idx"),
        ]

    def __str__(self) -> str:
        return f"search document {self.pk}"


class SearchVersion(models.Model):
    """A counter per State, raised whenever its search documents change: the portal's cache key."""

    state_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "recommendations_searchversion"

    def __str__(self) -> str:
        return f"search version {self.version} of State {self.state_id}"
