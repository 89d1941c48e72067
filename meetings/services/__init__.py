"""Writes for motions and meetings: one keyword-only service per action.

Every step locks the row it changes, checks the state it starts from and
raises a ``DomainError`` with a code otherwise, and writes an audit entry.
"""
