"""Statistical disclosure control: what of a release's tables may be published, and the attack that checks it.

`protect(tables, rules)` suppresses small counts (primary), disclosive zeros and enough
complementary counts (secondary) that no suppressed count can be recomputed — from the
margins or from another table of the release — then rounds the published counts to base 5.
`lp_bounds(release, cell)` is the attacker's tool: the tightest interval linear programming
gives for a count from everything published. See docs/methods/disclosure-control.md.
"""

from egide_analytics.sdc.attack import CellRef, LinearModel, ReleaseAttack, lp_bounds, published_bounds
from egide_analytics.sdc.protect import ProtectionError, disclosive_zeros, protect, true_values
from egide_analytics.sdc.relations import Relation, relations_of
from egide_analytics.sdc.rules import Rules
from egide_analytics.sdc.safe import Cell, Flag, SafeRelease, SafeTable, TableRow

__all__ = [
    "Cell",
    "CellRef",
    "Flag",
    "LinearModel",
    "ProtectionError",
    "Relation",
    "ReleaseAttack",
    "Rules",
    "SafeRelease",
    "SafeTable",
    "TableRow",
    "disclosive_zeros",
    "lp_bounds",
    "protect",
    "published_bounds",
    "relations_of",
    "true_values",
]
