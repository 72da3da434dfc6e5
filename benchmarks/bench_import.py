"""Benchmark: `cddh import` of a generated tasks CSV on a throwaway embedded mongod (default cache).

Run from the repository root:

    .venv/bin/python benchmarks/bench_import.py --sizes 40000 1000000

For each size it starts a mongod with the default settings (CDDH_LOCALDB_CACHE_GB 0.25) in a
temporary folder on a free port, imports the organisation of the test data, writes a CSV of N
tasks (4 per document, 5 lead units, deadlines spread over a year), then runs `cddh import`
as a user would and reports the wall time and the peak resident memory of the import process
(ru_maxrss of the child). It prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDDH = str(ROOT / ".venv" / "bin" / "cddh")
ORG = ROOT / "tests" / "data" / "import" / "org.csv"
HEADER = (
    '"Số, ký hiệu",Ngày ban hành,Trích yếu,Người ký,Nội dung nhiệm vụ,Đơn vị chủ trì,Thời hạn\n'
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_csv(path: Path, tasks: int) -> None:
    """N tasks, 4 per document, numbered within each year (years 2016–2025)."""
    units = ["SYT", "STC", "SXD", "SVHTTDL", "VP"]
    per_year = -(-tasks // 10)
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(tasks):
            year = 2016 + i // per_year
            doc = (i % per_year) // 4 + 1
            f.write(
                f"{doc}/QĐ-UBND,15/01/{year},Kế hoạch thực hiện nhiệm vụ số {doc} năm {year},CT,"
                f"Nhiệm vụ {i + 1}: triển khai đôn đốc và báo cáo kết quả thực hiện,"
                f"{units[i % len(units)]},{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/{year + 1}\n"
            )


def run(size: int, folder: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "CDDH_DATA_DIR": str(folder / "db"),
        "CDDH_LOCALDB_PORT": str(_free_port()),
        "MONGODB_URI": "",
        "MONGODB_DB": "bench_import",
    }
    env.pop("CDDH_LOCALDB_CACHE_GB", None)
    subprocess.run([CDDH, "import", str(ORG)], env=env, check=True, capture_output=True)
    csv_path = folder / f"tasks_{size}.csv"
    write_csv(csv_path, size)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    result = subprocess.run(
        [CDDH, "import", str(csv_path)], env=env, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(f"import of {size} failed: {result.stderr[-2000:]}")
    subprocess.run([CDDH, "db", "stop"], env=env, capture_output=True)
    return {
        "seconds": seconds,
        "rss_mb": max(peak, before) / 1024,
        "file_mb": csv_path.stat().st_size / 1024 / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[40_000])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="cddh-bench-import-"))
        try:
            figures = run(size, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rows.append((size, figures))
        print(f"{size}: {figures}", flush=True)
    print("\n| tasks | CSV | wall time | peak RSS of `cddh import` |")
    print("|---:|---:|---:|---:|")
    for size, f in rows:
        print(f"| {size:,} | {f['file_mb']:.0f} MB | {f['seconds']:.1f} s | {f['rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
