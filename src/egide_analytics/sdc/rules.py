"""The disclosure-control rules of a release, with their defaults (see docs/methods/disclosure-control.md)."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Rules:
    """How tables are protected before publication.

    - `threshold`: a count from 1 to threshold − 1 is suppressed (primary suppression);
    - `rounding_base`: published counts are rounded to the nearest multiple (1 = no rounding);
    - `zeros_disclosive`: apply the zero rules (a zero is suppressed when its group is smaller
      than `zero_group_limit`, default the threshold, or when all of its group falls in one code);
    - `protection`: a suppressed count is safe when the tightest interval an attacker can
      compute for it by linear programming, from every published count of the release, is at
      least this wide (default: half the threshold, i.e. 5);
    - `max_rounds`: a bound on the suppress-and-verify loop.
    """

    threshold: int = 10
    rounding_base: int = 5
    zeros_disclosive: bool = True
    zero_group_limit: int | None = None
    protection: float | None = None
    max_rounds: int = 200

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.rounding_base < 1 or self.max_rounds < 1:
            raise ValueError("Le seuil, la base d'arrondi et le nombre de tours doivent être au moins 1.")
        if self.protection is not None and self.protection < 0:
            raise ValueError("La marge de protection ne peut pas être négative.")

    @property
    def group_limit(self) -> int:
        return self.threshold if self.zero_group_limit is None else self.zero_group_limit

    @property
    def protection_width(self) -> float:
        return self.threshold / 2 if self.protection is None else self.protection

    def round(self, value: int) -> int:
        """Round a count to the nearest multiple of the base, halves up (conventional rounding)."""
        base = self.rounding_base
        return int(base * ((2 * value + base) // (2 * base)))

    def rounding_interval(self, published: int) -> tuple[int, int]:
        """Return the true values that round to `published`."""
        base = self.rounding_base
        return max(0, published - base // 2), published + (base - 1) // 2

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Rules":
        return cls(**data)
