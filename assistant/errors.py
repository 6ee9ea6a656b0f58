"""User-facing errors: each message says, in Thai, what went wrong and what to do."""

from __future__ import annotations


class PlanQAError(Exception):
    """An error whose message is shown to the user as is."""

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail


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
