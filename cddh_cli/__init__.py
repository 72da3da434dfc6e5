"""The `cddh` command line: an entrypoint over `core` (dòng lệnh)."""
