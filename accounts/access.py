"""The view guards, now ``governance.access`` (MFA is part of the authority
model); kept under this name for accounts' own views."""

from governance.access import deny, mfa_enforced

__all__ = ["deny", "mfa_enforced"]
