"""The proposal draft as PDF: the .docx converted by LibreOffice (``soffice --headless
--convert-to pdf``), the one module that runs it.

Each conversion uses a private LibreOffice profile (``-env:UserInstallation``) in its own
temporary directory, so conversions from several requests never share (or lock) one
profile, and nothing is left behind.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.errors import PlanQAError

TIMEOUT_S = 180


class PdfUnavailable(PlanQAError):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, timeout: float = TIMEOUT_S) -> bytes:
    """PDF bytes of a .docx; :class:`PdfUnavailable` (a Thai message) when LibreOffice is
    missing or fails."""
    exe = soffice()
    if not exe:
        raise PdfUnavailable("เครื่องนี้ยังไม่ได้ติดตั้ง LibreOffice จึงสร้าง PDF ไม่ได้ กรุณาดาวน์โหลดไฟล์ .docx แทน")
    with tempfile.TemporaryDirectory(prefix="planqa-pdf-") as tmp:
        d = Path(tmp)
        src = d / "proposal.docx"
        src.write_bytes(data)
        cmd = [exe, "--headless", "--norestore", f"-env:UserInstallation={(d / 'profile').as_uri()}",
               "--convert-to", "pdf", "--outdir", str(d), str(src)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError):
            raise PdfUnavailable("สร้างไฟล์ PDF ไม่สำเร็จ กรุณาลองใหม่ หรือดาวน์โหลดไฟล์ .docx แทน") from None
        out = d / "proposal.pdf"
        if not out.exists() or out.stat().st_size == 0:
            raise PdfUnavailable("สร้างไฟล์ PDF ไม่สำเร็จ กรุณาลองใหม่ หรือดาวน์โหลดไฟล์ .docx แทน")
        return out.read_bytes()


def render_pdf(p) -> bytes:
    """The draft (:class:`assistant.proposals.draft.Proposal`) as PDF bytes."""
    from assistant.proposals.docx import render_docx

    return docx_to_pdf(render_docx(p, for_libreoffice=True))


__all__ = ["docx_to_pdf", "render_pdf", "PdfUnavailable", "soffice"]
