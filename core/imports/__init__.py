"""Import of directive documents and tasks, or of the organisation: one module per job.

`core.importer` re-exports the public API; `run` is where a file is parsed and written.
"""
