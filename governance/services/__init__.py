"""Writes for governance, one module per topic.

``handover_declare`` is called by the ballots app when a result is declared;
it stays importable from here.
"""

from governance.services.handover import handover_declare

__all__ = ["handover_declare"]
