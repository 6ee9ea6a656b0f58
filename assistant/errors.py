"""User-facing errors: each message says, in Thai, what went wrong and what to do."""

from __future__ import annotations


class PlanQAError(Exception):
    """An error whose message is shown to the user as is."""

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail


class SettingsError(PlanQAError):
    """An environment variable holds a value of the wrong kind (``PLANQA_WEB_THREADS=abc``)."""

    KINDS = {"integer": "จำนวนเต็ม", "number": "ตัวเลข"}

    def __init__(self, name: str, value: str, kind: str, bounds: str = ""):
        shown = value if len(value) <= 40 else value[:40] + "..."
        rng = f" {bounds}" if bounds else ""
        super().__init__(f"ค่าของตัวแปร {name}={shown!r} ใช้ไม่ได้: ต้องเป็น{self.KINDS.get(kind, kind)}{rng} "
                         f"กรุณาแก้หรือลบตัวแปรนี้แล้วเริ่มใหม่ ({name}={shown!r} is invalid: expected "
                         f"{'an' if kind == 'integer' else 'a'} {kind}{rng})")
        self.name = name
        self.value = value


class IngestError(PlanQAError):
    """A document could not be ingested; ``path`` names it."""

    def __init__(self, path: str, message: str, *, detail: str | None = None):
        super().__init__(f"{path}: {message}", detail=detail)
        self.path = path
        self.reason = message


class IndexMissingError(PlanQAError):
    def __init__(self):
        super().__init__("ยังไม่มีดัชนีของเอกสาร กรุณาสั่ง `planqa ingest` ก่อน")


class IndexCorruptError(PlanQAError):
    def __init__(self, detail: str | None = None):
        super().__init__("ดัชนีของเอกสารเสียหาย อ่านไม่ได้ กรุณาสั่ง `planqa ingest` เพื่อสร้างดัชนีใหม่",
                         detail=detail)


class DiskError(PlanQAError):
    """Writing the index failed because the disk is full or read-only."""


_FULL = ("no space left", "disk is full", "database or disk is full", "disk quota", "quota exceeded")
_READONLY = ("read-only file system", "readonly database", "read only", "permission denied",
             "unable to open database file")
_FULL_ERRNOS = {28, 122}  # ENOSPC, EDQUOT
_READONLY_ERRNOS = {30, 13, 1}  # EROFS, EACCES, EPERM


def _disk_state(where: str) -> str | None:
    """"full" or "readonly" when the disk under ``where`` is so now, else None."""
    import os
    import shutil

    path = where
    while path and not os.path.exists(path):
        path = os.path.dirname(path.rstrip("/"))
    try:
        if shutil.disk_usage(path or ".").free < 16 * 1024 * 1024:
            return "full"
        if not os.access(path or ".", os.W_OK):
            return "readonly"
    except OSError:
        return None
    return None


def disk_error(exc: BaseException, where: str) -> DiskError | None:
    """The DiskError (in Thai, with what to do) for a full or read-only disk anywhere in
    ``exc``'s chain (OSError, sqlite3, Chroma's "compaction" errors), or when the disk
    under ``where`` is full or read-only now (what an opaque error really meant); else None."""
    seen = 0
    e: BaseException | None = exc
    state = _disk_state(where)
    while e is not None and seen < 10:
        text = str(e).lower()
        code = getattr(e, "errno", None)
        if state == "readonly":
            code = 30
        elif state == "full":
            code = 28
        if code in _FULL_ERRNOS or any(s in text for s in _FULL):
            return DiskError(f"พื้นที่ดิสก์เต็ม สร้างดัชนีใหม่ไม่สำเร็จ (ดัชนีเดิมยังใช้งานได้ตามปกติ) "
                             f"กรุณาลบไฟล์ที่ไม่ใช้หรือเพิ่มพื้นที่ให้โฟลเดอร์ {where} แล้วสั่ง `planqa ingest` อีกครั้ง",
                             detail=str(exc))
        if code in _READONLY_ERRNOS or any(s in text for s in _READONLY):
            return DiskError(f"เขียนไฟล์ในโฟลเดอร์ {where} ไม่ได้ (ระบบไฟล์อ่านอย่างเดียว หรือไม่มีสิทธิ์เขียน) "
                             "สร้างดัชนีใหม่ไม่สำเร็จ (ดัชนีเดิมยังใช้งานได้ตามปกติ) กรุณาตรวจสอบสิทธิ์หรือการ mount "
                             "ของดิสก์ แล้วสั่ง `planqa ingest` อีกครั้ง", detail=str(exc))
        e = e.__cause__ or e.__context__
        seen += 1
    return None
