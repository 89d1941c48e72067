"""A member's own pages, claiming an invitation, and the unit audit log."""

from accounts.views.audit import audit_log, audit_log_csv
from accounts.views.claim import claim, claim_set_password
from accounts.views.emails import member_emails, my_emails, unit_emails
from accounts.views.member import dashboard, preferences, unsubscribe

__all__ = [
    "audit_log",
    "audit_log_csv",
    "claim",
    "claim_set_password",
    "dashboard",
    "member_emails",
    "my_emails",
    "preferences",
    "unit_emails",
    "unsubscribe",
]
