"""Requisitioning an extraordinary meeting: members sign until the number
the standing orders set is reached; the officers are then told to call it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotPermitted
from governance.models import Unit
from meetings import limits, permissions
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import requisition_for_update
from meetings.models import Requisition, RequisitionSignature
from meetings.selectors import standing_orders_for
from meetings.services.notifications import requisition_met_notify


def requisition_start(*, unit: Unit, person: Any, purpose: str) -> Requisition:
    if not permissions.is_member(user=person, unit=unit):
        raise NotPermitted(Code.NOT_A_MEMBER, f"Only members of {unit.name} can requisition a meeting.")
    purpose = limits.long_text(purpose, limit=limits.REASON, what="The purpose")
    if not purpose:
        raise DomainError(ErrorCode.INVALID, "Say what the meeting is for.")
    with transaction.atomic():
        requisition = Requisition.objects.create(
            unit=unit,
            purpose=purpose.strip(),
            created_by=person,
            signatures_required=standing_orders_for(unit=unit).requisition_signatures,
        )
        audit_record(actor=person, action="requisition_started", obj=requisition, unit=unit)
    requisition_sign(requisition_id=requisition.pk, person=person)
    requisition.refresh_from_db()
    return requisition


def requisition_sign(*, requisition_id: int, person: Any) -> Requisition:
    with transaction.atomic():
        requisition = requisition_for_update(requisition_id=requisition_id)
        if not permissions.is_member(user=person, unit=requisition.unit):
            raise NotPermitted(Code.NOT_A_MEMBER, "Only members can sign a requisition.")
        if requisition.state != Requisition.State.COLLECTING:
            raise Conflict(Code.INVALID_TRANSITION, "This requisition already has the signatures it needs.")
        try:
            with transaction.atomic():
                RequisitionSignature.objects.create(requisition=requisition, signer=person)
        except IntegrityError:
            raise Conflict(Code.ALREADY_SIGNED, "You have already signed this requisition.") from None
        if requisition.signatures.count() >= requisition.signatures_required:
            requisition.state = Requisition.State.MET
            requisition.met_at = timezone.now()
            requisition.save(update_fields=["state", "met_at"])
            audit_record(actor=None, action="requisition_met", obj=requisition, unit=requisition.unit)
            requisition_met_notify(requisition=requisition)
    return requisition
