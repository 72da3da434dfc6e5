"""Import of directive documents and tasks, or of the organisation, from CSV, XLSX or JSON Lines.

The public API, re-exported from `core/imports/`, where each job has its own module: `readers`
(files as streams of rows), `cleaning` (invisible characters), `columns`, `problems`, `cells`,
`extensions` (the extensions mini-language), `rows` (headers and row conversion), `references`,
`document_numbers`, `known` (what the store holds), `tasks` (task files), `org` (organisation
files), `report` (results) and `run` (parse a whole file, then write it all or nothing).
"""

from __future__ import annotations

from core.imports.columns import DELEGATION_COLUMNS as DELEGATION_COLUMNS
from core.imports.columns import IGNORED_COLUMNS as IGNORED_COLUMNS
from core.imports.columns import LEADER_COLUMNS as LEADER_COLUMNS
from core.imports.columns import ORG_COLUMNS as ORG_COLUMNS
from core.imports.columns import ORG_KIND_LABELS as ORG_KIND_LABELS
from core.imports.columns import ORG_KIND_NAMES as ORG_KIND_NAMES
from core.imports.columns import RECORD_COLUMN as RECORD_COLUMN
from core.imports.columns import TASK_COLUMNS as TASK_COLUMNS
from core.imports.columns import UNIT_COLUMNS as UNIT_COLUMNS
from core.imports.columns import Column as Column
from core.imports.document_numbers import normalize_number as normalize_number
from core.imports.document_numbers import type_from_number as type_from_number
from core.imports.export import EXPORT_COLUMNS as EXPORT_COLUMNS
from core.imports.export import Exported as Exported
from core.imports.export import export_tasks as export_tasks
from core.imports.extensions import format_extensions as format_extensions
from core.imports.extensions import parse_extensions as parse_extensions
from core.imports.known import Known as Known
from core.imports.report import ImportReport as ImportReport
from core.imports.report import ParsedImport as ParsedImport
from core.imports.report import Tally as Tally
from core.imports.run import ImportKind as ImportKind
from core.imports.run import detect_kind as detect_kind
from core.imports.run import import_file as import_file
from core.imports.run import parse_file as parse_file
