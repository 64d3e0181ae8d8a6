"""Import and export of the directory as CSV or XLSX files.

One column spec (`columns.COLUMNS`) serves both ways, so that an export imported again
changes nothing. An import is validated as a whole first (`validate_file`): every row is
parsed and matched to an existing organisation, and every problem is reported with its row
and column, in French. `do_import_organisations` then writes every valid row in one
transaction, or nothing.
"""

from egide.organisations.exchange.columns import COLUMN_NAMES, COLUMNS, Column
from egide.organisations.exchange.export import Export, export_organisations, export_row
from egide.organisations.exchange.importing import (
    IMPORT_ACTOR,
    ImportRefused,
    ImportResult,
    do_import_organisations,
)
from egide.organisations.exchange.validation import ImportReport, ImportRow, validate_file

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "IMPORT_ACTOR",
    "Column",
    "Export",
    "ImportRefused",
    "ImportReport",
    "ImportResult",
    "ImportRow",
    "do_import_organisations",
    "export_organisations",
    "export_row",
    "validate_file",
]
