"""Meetings and motions pages: thin views over selectors and services."""
