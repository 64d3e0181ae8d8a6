"""The `Table` type of the statistics (defined with disclosure control, which protects it)."""

from egide_analytics.sdc.table import TOTAL, TOTAL_LABEL, Axis, CellKey, IntArray, Table, axis_key, cell_key

__all__ = ["TOTAL", "TOTAL_LABEL", "Axis", "CellKey", "IntArray", "Table", "axis_key", "cell_key"]
