"""The view guards, now ``governance.access`` (MFA is part of the authority
model); kept under this name for accounts' own views."""

from governance.access import deny, mfa_enforced, mfa_required_or_refuse

__all__ = ["deny", "mfa_enforced", "mfa_required_or_refuse"]
