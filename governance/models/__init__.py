"""Who runs what, on whose authority: units, bodies, offices and members.

The network starts with an *interim* reference group that nobody elected; as
ballots are declared, elected bodies and office holders replace it and a unit
becomes *established*. Every holding records the authority it rests on (an
appointment, or a declared ballot) so the history can be read back.

Split by topic; everything is importable from ``governance.models``.
"""

from governance.models.bodies import Body, Handover, Holding, Office
from governance.models.documents import DocumentVersion, GoverningDocument
from governance.models.eligibility import EligibilityRuleFields
from governance.models.roll import RollImport
from governance.models.units import Membership, Unit

__all__ = [
    "Body",
    "DocumentVersion",
    "EligibilityRuleFields",
    "GoverningDocument",
    "Handover",
    "Holding",
    "Membership",
    "Office",
    "RollImport",
    "Unit",
]
