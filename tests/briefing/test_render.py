"""Render check with a real LibreOffice: page count, text, pages as PNG for people to look at,
and pixels: nothing printed outside the text area, charts drawn in colour on their pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core import briefing as b

pytestmark = pytest.mark.render


def convert(docx: Path, workdir: Path) -> Path:
    missing = [tool for tool in ("soffice", "pdftotext", "pdftoppm") if shutil.which(tool) is None]
    assert not missing, f"cần cài LibreOffice và poppler-utils (.ci/run): thiếu {missing}"
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


DPI = 60
MM = DPI / 25.4  # pixels per millimetre
# A4 with the template's margins: the text area is x 30–195 mm, y 20–277 mm; the page number
# sits in the header, 10 mm from the top.
TEXT_X = (30.0, 195.0)
TEXT_Y = (10.0, 277.0)


def page_pngs(pdf: Path, target_dir: Path, prefix: str, last: int) -> list[Path]:
    """Pages 1..last as PNG in `target_dir` (prefix-1.png, …)."""
    for old in target_dir.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", str(last), str(pdf),
         str(target_dir / prefix)],
        check=True, timeout=120,
    )  # fmt: skip
    return sorted(target_dir.glob(f"{prefix}-*.png"))


def ink_box(png: Path) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in mm of everything that is not white on a page."""
    import numpy as np
    from PIL import Image

    gray = np.asarray(Image.open(png).convert("L"))
    ys, xs = np.where(gray < 200)
    return xs.min() / MM, ys.min() / MM, (xs.max() + 1) / MM, (ys.max() + 1) / MM


def coloured_pixels(png: Path) -> int:
    """Pixels with a clear hue (chart marks; the text and table rules are black and grey)."""
    import numpy as np
    from PIL import Image

    arr = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return int(((arr.max(axis=2) - arr.min(axis=2)) > 60).sum())


def test_briefing_renders(november: b.Briefing, tmp_path: Path, artifacts_dir: Path) -> None:
    docx = tmp_path / november.filename
    docx.write_bytes(november.content)
    pdf = convert(docx, tmp_path)
    n_pages = pages(pdf)
    assert 4 <= n_pages <= 20
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for expected in ("BÁO CÁO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Sở Y tế", "Sở Tài chính",
                     "UBND xã A1", "CHÁNH VĂN PHÒNG", "Nơi nhận:", "Phạm Văn Chánh"):  # fmt: skip
        assert expected in text, expected
    assert "Tình hình thực hiện nhiệm vụ do UBND tỉnh" in " ".join(text.split())
    first_page_png(pdf, artifacts_dir / "briefing-page1.png")
    shutil.copy(pdf, artifacts_dir / "briefing.pdf")
    rendered = page_pngs(pdf, artifacts_dir, "briefing-page", min(n_pages, 8))
    assert len(rendered) == min(n_pages, 8)
    tol = 1.5  # mm: anti-aliasing and table borders on the margin line
    for png in rendered:
        left, top, right, bottom = ink_box(png)
        assert left >= TEXT_X[0] - tol and right <= TEXT_X[1] + tol, (png.name, left, right)
        assert top >= TEXT_Y[0] - tol and bottom <= TEXT_Y[1] + tol, (png.name, top, bottom)
    # The charts print in colour: the pages holding them carry thousands of coloured pixels.
    colour = sorted((coloured_pixels(p) for p in rendered), reverse=True)
    assert colour[0] > 2_000 and colour[1] > 1_000, colour


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
