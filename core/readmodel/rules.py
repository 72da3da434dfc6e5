"""The status rules of core/metrics/query.py (`effective_deadline_expr`, `category_expr`),
written once for numpy columns of day numbers.

The property tests (tests/integration/test_readmodel.py) hold them equal to the MongoDB
pipelines and to tests/reference.py on random data and on the demo province.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from core.metrics.query import CATEGORIES
from core.readmodel.columns import NEVER

CODE = {name: np.int8(i) for i, name in enumerate(CATEGORIES)}
I32 = npt.NDArray[np.int32]


def effective_deadline(
    deadline: I32, completed: I32, ext_appr: I32, ext_new: I32, as_of: Any
) -> I32:
    """The deadline in force as of D (a day number, or one per task): the new deadline of the
    latest extension (by approval day; equal days: the later entry) approved on or before the
    earlier of the completion day and D; otherwise the original deadline (NEVER: none)."""
    cut = np.minimum(completed, as_of)
    eff = deadline.copy()
    best = np.full(deadline.shape, np.iinfo(np.int32).min, np.int32)
    for k in range(ext_appr.shape[0]):
        appr = ext_appr[k]
        ok = (appr <= cut) & (appr >= best)
        if ok.any():
            eff = np.where(ok, ext_new[k], eff)
            best = np.where(ok, appr, best)
    return eff


def category(completed: I32, eff: I32, as_of: Any) -> npt.NDArray[np.int8]:
    """The status category code as of D (index into `CATEGORIES`) given the deadline in force:
    no deadline → completed or open without deadline; completed by D → on time when on or
    before the deadline in force (the deadline day itself is on time), else late; open → within
    deadline while D is on or before it, else overdue."""
    done = completed <= as_of
    no_deadline = eff == NEVER
    dated = np.where(
        done,
        np.where(completed <= eff, CODE["completed_on_time"], CODE["completed_late"]),
        np.where(as_of <= eff, CODE["open_within_deadline"], CODE["open_overdue"]),
    )
    undated = np.where(done, CODE["no_deadline_completed"], CODE["no_deadline_open"])
    return np.where(no_deadline, undated, dated).astype(np.int8)
