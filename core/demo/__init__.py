"""The demo province (tỉnh mẫu): a deterministic, realistic organisation, documents and tasks.

`build_demo` generates everything in memory without a database; `load_demo` streams the same data
into an empty store. Same `tasks`, `seed`, `today` (and CDDH_PROVINCE / CDDH_OFFICE_ABBR) give the
same data: one `random.Random(seed)`, no clock, no time-dependent ids. `today` defaults to the fixed
day DEMO_TODAY (20/11/2026), not the real date, so the demo looks the same whenever it is loaded;
every instant (entered_at, events) is derived from the days of the task.

Size rules: documents span `years` years ending at `today` (default 3 up to 30,000 tasks, else
10); task_events are stored in full up to EVENTS_FULL_LIMIT tasks, above it only the "created"
event of each task is stored (the task's version still counts its whole history). Tasks are built
as plain values; the pydantic Task model validates every task up to EVENTS_FULL_LIMIT and a sample
above, and the stored form is checked to be exactly `Task.to_mongo`'s.

Modules: `org_tables` (the organisation as data), `organisation` (units, leaders, delegations as
records), `texts` (what the generator draws from), `days` (working days, BSON days, instants),
`world` / `tasks` / `documents` (the generator: its state, a task's history, documents in date
order), `loading` (`build_demo`, `load_demo`). The public names are re-exported here.
"""

from __future__ import annotations

from core.demo.documents import document_number as document_number
from core.demo.loading import BATCH as BATCH
from core.demo.loading import DEMO_TODAY as DEMO_TODAY
from core.demo.loading import EVENTS_FULL_LIMIT as EVENTS_FULL_LIMIT
from core.demo.loading import SAMPLE_VALIDATION_EVERY as SAMPLE_VALIDATION_EVERY
from core.demo.loading import DemoData as DemoData
from core.demo.loading import build_demo as build_demo
from core.demo.loading import default_years as default_years
from core.demo.loading import load_demo as load_demo
from core.demo.org_tables import COMMUNE_START as COMMUNE_START
from core.demo.org_tables import DISTRICT_END as DISTRICT_END
from core.demo.org_tables import MERGER_DAY as MERGER_DAY
from core.demo.org_tables import OLD_DEPARTMENT_END as OLD_DEPARTMENT_END
from core.demo.org_tables import ROOM_ABBR as ROOM_ABBR
from core.demo.org_tables import SECTOR_HOLDER as SECTOR_HOLDER
from core.demo.org_tables import SPECIALISTS as SPECIALISTS
from core.demo.org_tables import TERM_START as TERM_START
from core.demo.organisation import Org as Org
from core.demo.organisation import build_delegations as build_delegations
from core.demo.organisation import build_org as build_org
from core.demo.texts import RETURN_REASON as RETURN_REASON
from core.demo.world import ACTOR as ACTOR

__all__ = [
    "DEMO_TODAY",
    "DemoData",
    "Org",
    "build_delegations",
    "build_demo",
    "build_org",
    "document_number",
    "load_demo",
]
