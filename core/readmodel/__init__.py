"""The read model (issue 13): every task's status facts as columns in the app process, loaded
from `task_facts` and kept in step by a MongoDB change stream; the figures of core/metrics and
core/backlog computed on them in milliseconds. MongoDB stays the store and the reference: the
pipelines answer while the model warms up, and property tests hold both equal.

`columns` (the columns, snapshots), `rules` (the classification, numpy), `queries` (the
figures), `discipline` (update discipline: the population from the columns, the report days
read by key), `model` (`ReadModel`: loading, the change stream, `sync`), `figures`
(`Pipelines` / `Columns`, `figures_for`).
"""
