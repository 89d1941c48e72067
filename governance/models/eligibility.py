"""Fields that store an eligibility rule on another model (a meeting, a ballot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from governance.eligibility import EligibilityRule


class EligibilityRuleFields(models.Model):
    """Abstract: add to any model that needs "who may take part".

    The concrete model must have a ``unit`` foreign key; ``eligibility_rule()``
    turns the stored fields into an :class:`~governance.eligibility.EligibilityRule`.
    """

    include_subunits = models.BooleanField(default=False)
    membership_kinds = models.JSONField(default=list, blank=True, help_text="Empty: any kind.")
    party_member_required = models.BooleanField(default=False)
    joined_on_or_before = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    def eligibility_rule(self) -> EligibilityRule:
        from governance.eligibility import EligibilityRule

        return EligibilityRule(
            unit=self.unit,  # type: ignore[attr-defined]
            include_subunits=self.include_subunits,
            kinds=tuple(self.membership_kinds),
            party_member_required=self.party_member_required,
            joined_on_or_before=self.joined_on_or_before,
        )
