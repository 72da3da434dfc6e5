"""Task status as of a date and the measures built on it, computed by MongoDB pipelines.

Pure functions build the pipelines (tests can print and compare them); `Repository` runs them
and only summaries come back. The rules (the status categories of the Government Office reports):

* population as of D: assigned on or before D, not cancelled on or before D, within the
  optional filters (assigned between two dates; *effective* deadline between two dates);
* completed as of D: completion date on or before D;
* effective deadline: the new deadline of the latest extension approved on or before the
  earlier of the completion date and D, else the original deadline (so an extension approved
  after completion never turns a late completion into an on-time one);
* categories: completed_on_time (completion <= effective deadline), completed_late,
  open_within_deadline (D <= effective deadline), open_overdue (D > effective deadline), and for
  tasks without a deadline no_deadline_completed / no_deadline_open (never overdue);
* rates, named for their denominators, None when the denominator is 0:
  completion_rate_due and on_time_rate_due over (completed_on_time + completed_late +
  open_overdue), overdue_share_assigned over assigned.
"""

from __future__ import annotations

from core.metrics.discipline import (
    discipline_pipeline as discipline_pipeline,
)
from core.metrics.discipline import (
    update_discipline as update_discipline,
)
from core.metrics.overdue import (
    due_soon as due_soon,
)
from core.metrics.overdue import (
    join_task_text as join_task_text,
)
from core.metrics.overdue import (
    longest_overdue as longest_overdue,
)
from core.metrics.overdue import (
    overdue_age as overdue_age,
)
from core.metrics.overdue import (
    overdue_pipeline as overdue_pipeline,
)
from core.metrics.period_counts import (
    MULTI_PERIOD_POPULATIONS as MULTI_PERIOD_POPULATIONS,
)
from core.metrics.period_counts import (
    SUMMARY_KINDS as SUMMARY_KINDS,
)
from core.metrics.period_counts import (
    _in_parallel as _in_parallel,
)
from core.metrics.period_counts import (
    _period_query as _period_query,
)
from core.metrics.period_counts import (
    compare_periods as compare_periods,
)
from core.metrics.period_counts import (
    multi_period_pipeline as multi_period_pipeline,
)
from core.metrics.period_counts import (
    period_metrics as period_metrics,
)
from core.metrics.period_counts import (
    trend as trend,
)
from core.metrics.period_counts import (
    warm_summaries as warm_summaries,
)
from core.metrics.query import (
    AGE_BUCKETS as AGE_BUCKETS,
)
from core.metrics.query import (
    CATEGORIES as CATEGORIES,
)
from core.metrics.query import (
    COUNT_FIELDS as COUNT_FIELDS,
)
from core.metrics.query import (
    GROUPINGS as GROUPINGS,
)
from core.metrics.query import (
    RATE_DENOMINATORS as RATE_DENOMINATORS,
)
from core.metrics.query import (
    RATE_FIELDS as RATE_FIELDS,
)
from core.metrics.query import (
    RATE_LABELS as RATE_LABELS,
)
from core.metrics.query import (
    MetricsQuery as MetricsQuery,
)
from core.metrics.query import (
    category_expr as category_expr,
)
from core.metrics.query import (
    category_prefilter as category_prefilter,
)
from core.metrics.query import (
    classify_stages as classify_stages,
)
from core.metrics.query import (
    effective_deadline_expr as effective_deadline_expr,
)
from core.metrics.query import (
    population_match as population_match,
)
from core.metrics.query import (
    status_pipeline as status_pipeline,
)
from core.metrics.query import (
    with_rates as with_rates,
)
from core.metrics.ranking import (
    delta as delta,
)
from core.metrics.ranking import (
    rank_rows as rank_rows,
)
from core.metrics.ranking import (
    rate_numerator as rate_numerator,
)
from core.metrics.ranking import (
    rate_volume as rate_volume,
)
from core.metrics.status import (
    assigned_middle as assigned_middle,
)
from core.metrics.status import (
    empty_row as empty_row,
)
from core.metrics.status import (
    merge_counts as merge_counts,
)
from core.metrics.status import (
    partitions as partitions,
)
from core.metrics.status import (
    portfolio_map as portfolio_map,
)
from core.metrics.status import (
    status_metrics as status_metrics,
)
from core.metrics.table import (
    format_table as format_table,
)

# Formats live in core.numbers; re-exported for the callers that read them from here.
from core.numbers import format_count as format_count
from core.numbers import format_rate as format_rate
