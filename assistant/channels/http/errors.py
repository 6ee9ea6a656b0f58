"""The one error table of the HTTP API: every router raises :class:`ApiError` with a code
from :data:`ERRORS`, and every error is answered as
``{"error": {"code", "message_th", "message_en"}}`` with the table's status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("planqa.server")

MAX_IDEA_CHARS = 2000
MAX_COMMENT_CHARS = 2000

ERRORS: dict[str, tuple[int, str, str]] = {
    "malformed_json": (400, "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง กรุณาส่งในรูปแบบ {\"question\": \"...\"}",
                       "The request body is not valid JSON; send {\"question\": \"...\"}."),
    "invalid_encoding": (400, "ข้อมูลที่ส่งมาไม่ใช่ข้อความ UTF-8 (อาจเป็นไฟล์หรือข้อมูลไบนารี)",
                         "The request body is not UTF-8 text (binary data?)."),
    "invalid_request": (400, "รูปแบบคำขอไม่ถูกต้อง", "The request is not valid."),
    "empty_question": (400, "กรุณาพิมพ์คำถาม", "The question is empty."),
    "question_too_long": (400, "คำถามยาวเกินไป กรุณาถามให้สั้นลง", "The question is too long."),
    "unknown_office": (400, "ไม่รู้จักหน่วยงานนี้", "Unknown office."),
    "invalid_parameter": (422, "พารามิเตอร์ไม่ถูกต้อง", "Invalid parameter."),
    "invalid_range": (400, "ช่วงตำแหน่งข้อความไม่ถูกต้อง", "Invalid start/end range."),
    "empty_idea": (400, "กรุณาพิมพ์แนวคิดโครงการ เช่น \"ค่ายภาษาอังกฤษ ป.4-6\"", "The project idea is empty."),
    "idea_too_long": (400, f"แนวคิดโครงการยาวเกินไป (เกิน {MAX_IDEA_CHARS} ตัวอักษร)", "The project idea is too long."),
    "invalid_year": (400, "อ่านปีงบประมาณไม่ได้ ลองระบุเช่น 2568", "Cannot read the fiscal year; send e.g. 2568."),
    "unknown_document": (404, "ไม่พบเอกสารนี้ในคลังเอกสาร", "No such document in the index."),
    "unknown_proposal": (404, "ไม่พบร่างโครงการนี้ (อาจหมดอายุแล้ว) กรุณาสร้างใหม่",
                         "No such proposal draft (it may have expired); create it again."),
    "pdf_unavailable": (503, "สร้างไฟล์ PDF ไม่ได้ในขณะนี้ กรุณาดาวน์โหลดไฟล์ .docx แทน",
                        "PDF export needs LibreOffice (soffice) on the server."),
    "invalid_conversation_id": (400, "รหัสบทสนทนา (conversation_id) ไม่ถูกต้อง: ใช้ตัวอักษร ตัวเลข - _ : . ไม่เกิน 200 ตัว",
                                "conversation_id must be 1-200 letters, digits or - _ : . @"),
    "invalid_rating": (400, "กรุณาเลือก 👍 หรือ 👎 (rating ต้องเป็น \"up\" หรือ \"down\")",
                       "rating must be \"up\" or \"down\"."),
    "comment_too_long": (400, f"ความคิดเห็นยาวเกินไป (เกิน {MAX_COMMENT_CHARS} ตัวอักษร)", "The comment is too long."),
    "unknown_conversation": (404, "ไม่พบบทสนทนานี้ (อาจหมดอายุแล้ว) เริ่มบทสนทนาใหม่ได้เลย",
                             "No such conversation (it may have expired)."),
    "unknown_field": (400, "ไม่มีช่องนี้ในร่างโครงการ", "No such field in this proposal draft."),
    "field_too_long": (400, "ข้อความที่กรอกยาวเกินไป", "A field's text is too long."),
    "not_found": (404, "ไม่พบหน้าหรือบริการที่เรียก", "No such page or endpoint."),
    "method_not_allowed": (405, "ไม่รองรับวิธีเรียกนี้", "Method not allowed for this endpoint."),
    "body_too_large": (413, "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป", "The request body is too large."),
    "headers_too_large": (431, "ส่วนหัวของคำขอ (headers) ใหญ่เกินไป", "The request headers are too large."),
    "unsupported_media_type": (415, "กรุณาส่งข้อมูลแบบ application/json",
                               "Unsupported content type; send application/json."),
    "rate_limited": (429, "ส่งคำขอถี่เกินไป กรุณารอสักครู่แล้วลองใหม่",
                     "Too many requests from this client; wait a moment and try again."),
    "missing_signature": (400, "ไม่มีลายเซ็น X-Line-Signature", "Missing X-Line-Signature header."),
    "invalid_signature": (401, "ลายเซ็น X-Line-Signature ไม่ถูกต้อง", "Invalid X-Line-Signature."),
    "line_disabled": (503, "ยังไม่ได้เปิดใช้งาน LINE (ต้องตั้งค่า LINE_CHANNEL_SECRET และ LINE_CHANNEL_ACCESS_TOKEN)",
                      "LINE is not enabled: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN."),
    "busy": (503, "ขณะนี้มีผู้ใช้งานจำนวนมาก กรุณาลองใหม่อีกครั้งในอีกสักครู่",
             "The server is saturated; try again in a moment."),
    "index_missing": (503, "ยังไม่มีดัชนีของเอกสาร กรุณาสั่ง `planqa ingest` ก่อน",
                      "The index is not built yet: run `planqa ingest`."),
    "index_corrupt": (503, "ดัชนีของเอกสารเสียหาย อ่านไม่ได้ กรุณาสั่ง `planqa ingest` เพื่อสร้างดัชนีใหม่",
                      "The index is corrupt: run `planqa ingest` to rebuild it."),
    "internal_error": (500, "ระบบขัดข้อง กรุณาลองใหม่อีกครั้ง", "Internal server error; please try again."),
}


class ApiError(Exception):
    """An error answered as ``{"error": {...}}``; messages default to ERRORS[code]."""

    def __init__(self, code: str, message_th: str | None = None, message_en: str | None = None,
                 status: int | None = None, headers: dict | None = None):
        default_status, th, en = ERRORS.get(code, ERRORS["invalid_request"])
        self.code = code
        self.status = status or default_status
        self.message_th = message_th or th
        self.message_en = message_en or en
        self.headers = headers
        super().__init__(self.message_en)

    def response(self) -> JSONResponse:
        return error_response(self.code, self.message_th, self.message_en, self.status, self.headers)


def error_response(code: str, message_th: str | None = None, message_en: str | None = None,
                   status: int | None = None, headers: dict | None = None) -> JSONResponse:
    default_status, th, en = ERRORS.get(code, ERRORS["invalid_request"])
    body = {"error": {"code": code, "message_th": message_th or th, "message_en": message_en or en}}
    return JSONResponse(body, status_code=status or default_status, headers=headers)


def install_handlers(app: FastAPI) -> None:
    """Answer ApiError, Starlette's 404/405, validation errors and any bug from the table."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return exc.response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return error_response("not_found", message_en=f"No such page or endpoint: {request.url.path}")
        if exc.status_code == 405:
            return error_response("method_not_allowed",
                                  message_en=f"{request.method} is not allowed on {request.url.path}.",
                                  headers=exc.headers)
        return error_response("invalid_request", message_en=str(exc.detail), status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            msg = str(e.get("msg")).encode("utf-8", "replace").decode("utf-8")
            parts.append(f"{loc}: {msg}")
        return error_response("invalid_parameter", f"พารามิเตอร์ไม่ถูกต้อง ({'; '.join(parts)})",
                              "Invalid parameter: " + "; ".join(parts))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response("internal_error")
