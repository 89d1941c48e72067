"""Secrecy in the schema: nothing in the tables that hold what was voted can
point at, or be ordered against, who voted."""

from __future__ import annotations

from django.db import models

from ballots.models import BallotPaper, Participation, PendingPaper, PendingTracker, Tracker
from core.models import AuditEntry, OutboxEmail

CONTENT_TABLES = [PendingPaper, BallotPaper, PendingTracker, Tracker]


def test_content_tables_have_no_link_to_people_no_time_and_no_sequence() -> None:
    from django.conf import settings

    user_model = settings.AUTH_USER_MODEL.lower()
    for model in CONTENT_TABLES:
        for field in model._meta.get_fields():
            related = field.related_model
            if field.is_relation and related is not None and not isinstance(related, str):
                assert related._meta.label_lower != user_model, (model, field.name)
                assert field.related_model is not Participation, (model, field.name)
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField), (model, field)
        assert isinstance(model._meta.pk, models.UUIDField), f"{model.__name__} must not have a sequential id"


def test_participation_says_only_that_someone_voted() -> None:
    names = {f.name for f in Participation._meta.get_fields()}
    assert names == {"id", "ballot", "voter", "idempotency_key_hash", "sealed_receipt"}
    assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in Participation._meta.get_fields())


def test_audit_and_outbox_cannot_hold_papers() -> None:
    for model in (AuditEntry, OutboxEmail):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model not in CONTENT_TABLES and field.related_model is not Participation
