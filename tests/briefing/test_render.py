"""Render check with a real LibreOffice: page count, text, a PNG of page 1 for people to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core import briefing as b

pytestmark = pytest.mark.render


def convert(docx: Path, workdir: Path) -> Path:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) hoặc poppler-utils chưa cài: bỏ qua kiểm tra hiển thị")
    profile = workdir / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(workdir), str(docx)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = workdir / (docx.stem + ".pdf")
    assert pdf.exists()
    return pdf


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def first_page_png(pdf: Path, target: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(target.with_suffix(""))],
        check=True, timeout=60,
    )  # fmt: skip
    assert target.exists()


def test_briefing_renders(november: b.Briefing, tmp_path: Path, artifacts_dir: Path) -> None:
    docx = tmp_path / november.filename
    docx.write_bytes(november.content)
    pdf = convert(docx, tmp_path)
    assert 4 <= pages(pdf) <= 30
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for expected in ("BÁO CÁO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Sở Y tế", "Sở Tài chính",
                     "UBND xã A1", "CHÁNH VĂN PHÒNG", "Nơi nhận:", "Phạm Văn Chánh"):  # fmt: skip
        assert expected in text, expected
    assert "Tình hình thực hiện nhiệm vụ do UBND tỉnh" in " ".join(text.split())
    first_page_png(pdf, artifacts_dir / "briefing-page1.png")
    shutil.copy(pdf, artifacts_dir / "briefing.pdf")


def test_urge_letter_renders(brief_repo: object, tmp_path: Path, artifacts_dir: Path) -> None:
    from datetime import date

    result = b.build_urge(brief_repo, "SYT", date(2026, 11, 20))  # type: ignore[arg-type]
    docx = tmp_path / result.filename
    docx.write_bytes(result.content)
    pdf = convert(docx, tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    assert "Kính gửi: Sở Y tế." in text and "V/v đôn đốc" in text
    first_page_png(pdf, artifacts_dir / "urge-page1.png")
