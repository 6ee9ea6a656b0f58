"""The "เพิ่มแผน" feature for planning staff: upload a plan, see what was read, confirm;
the index is rebuilt aside and swapped in while the page shows progress.

The server includes it with ``app.include_router(plans_router(app))``. Every endpoint
needs the header ``X-Admin-Token`` equal to ``settings.admin_token``
(``PLANQA_ADMIN_TOKEN``); without a configured token the feature is off.

  GET  /admin                                  the upload page (static)
  POST /api/admin/plans/preview?filename=NAME  body: the file's bytes -> what was read
       {upload_id, file, decoder, office, years, counts, warnings, indicators: [...]}
  POST /api/admin/plans/{upload_id}/confirm    -> {job_id} (the rebuild starts)
  GET  /api/admin/plans/jobs/{job_id}          -> {state, message, report}
       state: queued | building | done | failed
"""

from __future__ import annotations

import hmac
import re
import shutil
import threading
import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from assistant import settings
from assistant.errors import PlanQAError

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
ALLOWED = (".pdf", ".docx", ".html", ".htm", ".md", ".txt")


def _error(status: int, code: str, th: str, en: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message_th": th, "message_en": en}}, status_code=status)


def _authorized(request: Request) -> JSONResponse | None:
    token = settings.get().admin_token
    if not token:
        return _error(403, "admin_disabled", "ยังไม่ได้เปิดใช้หน้าเพิ่มแผน (ตั้งค่า PLANQA_ADMIN_TOKEN ก่อน)",
                      "The upload page is disabled: set PLANQA_ADMIN_TOKEN.")
    given = request.headers.get("x-admin-token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _error(401, "bad_token", "รหัสผู้ดูแลไม่ถูกต้อง", "Wrong admin token.")
    return None


def _safe_name(name: str) -> str | None:
    name = Path(name or "").name
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    if suffix not in ALLOWED:
        return None
    stem = re.sub(r"[^\w\-ก-๙.]+", "-", stem).strip("-.") or "plan"
    return f"{stem[:80]}{suffix}"


def _preview(path: Path) -> dict:
    from assistant.ingest.plans import parse_file
    from assistant.ingest.readers import ReadError

    try:
        res = parse_file(path, max_bytes=settings.get().max_file_bytes, doc_id=path.stem)
    except (ReadError, PlanQAError) as e:
        raise PlanQAError(str(e)) from e
    plan = res.plan
    return {
        "file": path.name, "decoder": res.decoder,
        "office": res.office.name if res.office else None, "office_text": res.office_text,
        "years": list(plan.years) if plan.years else None, "counts": res.counts(), "warnings": res.warnings,
        "indicators": [
            {"strategy": i.strategy, "number": i.number, "text": i.text, "unit": i.unit, "baseline": i.baseline,
             "targets": {str(t.year): t.value for t in i.targets if t.kind == "target" and t.year and not t.sub_item}}
            for i in plan.indicators()
        ],
    }


class _Jobs:
    """Upload staging and rebuild jobs (one rebuild at a time)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.build_lock = threading.Lock()
        self.uploads: dict[str, Path] = {}
        self.jobs: dict[str, dict] = {}

    def run(self, job_id: str, path: Path, app) -> None:
        from assistant.ingest.pipeline import ingest, register_builder

        job = self.jobs[job_id]
        with self.build_lock:
            job.update(state="building", message="กำลังอ่านเอกสารและสร้างดัชนีใหม่ (ดัชนีเดิมยังใช้งานได้ระหว่างนี้)")
            try:
                try:
                    from assistant.qa.retrieve import build_retrieval_index

                    register_builder(build_retrieval_index)
                except ImportError:  # the vector index is optional
                    pass
                report = ingest([path])
                job["report"] = [d.to_dict() for d in report.documents]
                if not report.swapped or path.name not in report.ingested:
                    why = "; ".join(f.message() for f in report.failed) or "ไม่ได้สร้างดัชนีใหม่"
                    job.update(state="failed", message=why)
                    return
                # a running server picks the new build up between requests (service.Serving)
                job.update(state="done", message="เพิ่มแผนแล้ว ดัชนีใหม่พร้อมใช้งาน")
            except Exception as e:  # the previous index keeps serving
                job.update(state="failed", message=f"สร้างดัชนีไม่สำเร็จ ({type(e).__name__}) ดัชนีเดิมยังใช้งานอยู่")


def plans_router(app=None) -> APIRouter:
    router = APIRouter()
    jobs = _Jobs()
    router.jobs = jobs  # for tests

    @router.get("/admin", include_in_schema=False)
    def admin_page():
        return FileResponse(WEB_DIR / "admin.html")

    @router.post("/api/admin/plans/preview")
    async def preview(request: Request, filename: str = ""):
        if (denied := _authorized(request)) is not None:
            return denied
        name = _safe_name(filename)
        if name is None:
            return _error(400, "bad_file_type", f"รองรับไฟล์ {', '.join(ALLOWED)} เท่านั้น",
                          "Unsupported file type.")
        data = await request.body()
        limit = settings.get().max_file_bytes
        if not data:
            return _error(400, "empty_file", "ไฟล์ว่างเปล่า", "Empty file.")
        if len(data) > limit:
            return _error(413, "too_large", f"ไฟล์ใหญ่เกิน {limit:,} ไบต์", "File too large.")
        upload_id = uuid.uuid4().hex[:12]
        stage = settings.get().index_dir / "uploads" / upload_id
        stage.mkdir(parents=True, exist_ok=True)
        path = stage / name
        path.write_bytes(data)
        try:
            body = await run_in_threadpool(_preview, path)
        except PlanQAError as e:
            shutil.rmtree(stage, ignore_errors=True)
            return _error(422, "unreadable_plan", e.message, "The plan could not be read.")
        with jobs.lock:
            jobs.uploads[upload_id] = path
        return {"upload_id": upload_id, **body}

    @router.post("/api/admin/plans/{upload_id}/confirm")
    def confirm(upload_id: str, request: Request):
        if (denied := _authorized(request)) is not None:
            return denied
        with jobs.lock:
            path = jobs.uploads.pop(upload_id, None)
        if path is None or not path.exists():
            return _error(404, "unknown_upload", "ไม่พบไฟล์ที่อัปโหลด กรุณาอัปโหลดใหม่", "Unknown upload.")
        job_id = uuid.uuid4().hex[:12]
        jobs.jobs[job_id] = {"state": "queued", "message": "รอสร้างดัชนี", "report": None}
        threading.Thread(target=jobs.run, args=(job_id, path, app), daemon=True).start()
        return {"job_id": job_id}

    @router.get("/api/admin/plans/jobs/{job_id}")
    def job(job_id: str, request: Request):
        if (denied := _authorized(request)) is not None:
            return denied
        j = jobs.jobs.get(job_id)
        if j is None:
            return _error(404, "unknown_job", "ไม่พบงานนี้", "Unknown job.")
        return dict(j)

    return router
