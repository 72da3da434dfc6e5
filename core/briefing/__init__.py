"""Word briefings (báo cáo, công văn đôn đốc): metric summaries → context → docxtpl document.

Three layers, so each can be tested alone:

* `gather` (`gathering`) / `gather_urge` (`urge`) run the metric queries (in parallel threads,
  `parallel`: each is one MongoDB aggregation returning a summary) and collect the organisation
  data valid on the report date (`request`: scope and dates; `signer`: who signs);
* `briefing_context` (`context`, with `assessment`, `blocks`, `wording`) / `urge_context` are pure
  functions from those summaries to the template variables (Vietnamese text, formatted numbers,
  chart PNGs as bytes from `figures`, drawn by worker processes running `chart_child`);
* `render_docx` (`rendering`) fills a template from `docx_templates/` with docxtpl (autoescape
  on, undefined variables are errors) and returns the .docx bytes.

`build_briefing` (`documents`) / `build_urge` chain the three; `archive` stores a result in
GridFS; `overdue_xlsx` (`workbook`) writes the full overdue list. Every public name is
re-exported here: callers write `from core import briefing as b; b.build_briefing(...)`.
"""

from __future__ import annotations

from core.briefing.assessment import assessment as assessment
from core.briefing.assessment import praise_and_blame as praise_and_blame
from core.briefing.assessment import responsible_overdue as responsible_overdue
from core.briefing.assessment import rollup_discipline as rollup_discipline
from core.briefing.blocks import LOCAL_KINDS as LOCAL_KINDS
from core.briefing.blocks import PROVINCIAL_GROUP as PROVINCIAL_GROUP
from core.briefing.blocks import annex_groups as annex_groups
from core.briefing.blocks import unit_groups as unit_groups
from core.briefing.context import DISCIPLINE_ROWS as DISCIPLINE_ROWS
from core.briefing.context import TOP_OVERDUE as TOP_OVERDUE
from core.briefing.context import briefing_context as briefing_context
from core.briefing.context import rate_notes as rate_notes
from core.briefing.documents import Briefing as Briefing
from core.briefing.documents import archive as archive
from core.briefing.documents import build_briefing as build_briefing
from core.briefing.figures import CHART_MAX_HEIGHT_MM as CHART_MAX_HEIGHT_MM
from core.briefing.figures import CHART_MAX_WIDTH_MM as CHART_MAX_WIDTH_MM
from core.briefing.figures import CHARTS as CHARTS
from core.briefing.figures import RANKING_ROWS as RANKING_ROWS
from core.briefing.figures import briefing_charts as briefing_charts
from core.briefing.figures import chart_extent_mm as chart_extent_mm
from core.briefing.figures import chart_jobs as chart_jobs
from core.briefing.figures import chart_ranking as chart_ranking
from core.briefing.figures import chart_status as chart_status
from core.briefing.figures import chart_trend as chart_trend
from core.briefing.figures import draw as draw
from core.briefing.figures import png as png
from core.briefing.figures import png_size as png_size
from core.briefing.figures import ranking_chart_rows as ranking_chart_rows
from core.briefing.figures import register_chart_fonts as register_chart_fonts
from core.briefing.figures import warm_up_charts as warm_up_charts
from core.briefing.gathering import DUE_SOON_DAYS as DUE_SOON_DAYS
from core.briefing.gathering import DUE_SOON_ROWS as DUE_SOON_ROWS
from core.briefing.gathering import TREND_PERIODS as TREND_PERIODS
from core.briefing.gathering import briefing_calendar as briefing_calendar
from core.briefing.gathering import gather as gather
from core.briefing.gathering import key_figures as key_figures
from core.briefing.gathering import key_figures_from as key_figures_from
from core.briefing.parallel import FollowUp as FollowUp
from core.briefing.rendering import BRIEFING_TEMPLATE as BRIEFING_TEMPLATE
from core.briefing.rendering import TEMPLATES_DIR as TEMPLATES_DIR
from core.briefing.rendering import URGE_TEMPLATE as URGE_TEMPLATE
from core.briefing.rendering import render_docx as render_docx
from core.briefing.rendering import template_variables as template_variables
from core.briefing.request import SCOPE_KINDS as SCOPE_KINDS
from core.briefing.request import BriefingData as BriefingData
from core.briefing.request import BriefingRequest as BriefingRequest
from core.briefing.request import BriefingScope as BriefingScope
from core.briefing.request import DocSettings as DocSettings
from core.briefing.request import cumulative_window as cumulative_window
from core.briefing.request import default_dates as default_dates
from core.briefing.request import default_period as default_period
from core.briefing.request import resolve_scope as resolve_scope
from core.briefing.request import running_warning as running_warning
from core.briefing.request import with_formers as with_formers
from core.briefing.signer import CHIEF as CHIEF
from core.briefing.signer import DEPUTY as DEPUTY
from core.briefing.signer import Signer as Signer
from core.briefing.signer import resolve_signer as resolve_signer
from core.briefing.signer import signer_choices as signer_choices
from core.briefing.signer import signer_for as signer_for
from core.briefing.urge import UrgeData as UrgeData
from core.briefing.urge import build_urge as build_urge
from core.briefing.urge import gather_urge as gather_urge
from core.briefing.urge import urge_context as urge_context
from core.briefing.wording import date_line as date_line
from core.briefing.wording import date_words as date_words
from core.briefing.wording import period_phrase as period_phrase
from core.briefing.wording import period_span as period_span
from core.briefing.wording import recipients_for as recipients_for
from core.briefing.wording import recipients_setting as recipients_setting
from core.briefing.workbook import XLSX_HEADERS as XLSX_HEADERS
from core.briefing.workbook import XLSX_MIME as XLSX_MIME
from core.briefing.workbook import overdue_xlsx as overdue_xlsx
