"""The "เพิ่มแผน" upload feature: token, preview of what was read, confirm, rebuild aside
and swap, progress."""

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant import settings
from assistant.channels.http.plans import plans_router
from assistant.ingest.pipeline import store_path
from assistant.stores.sqlite import Store

SAMPLE = """# แผนพัฒนาการศึกษา สพป.ขอนแก่น เขต 1 พ.ศ. 2567 - 2568

## กลยุทธ์ที่ 1 พัฒนาผู้เรียน

| ที่ | ตัวชี้วัด | หน่วยนับ | 2567 | 2568 |
|---|---|---|---|---|
| 1 | ร้อยละของนักเรียนที่อ่านคล่อง | ร้อยละ | 80 | 85 |
"""


@pytest.fixture()
def admin(isolated, monkeypatch):
    settings.override(admin_token="s3cret")
    monkeypatch.setattr("assistant.ingest.pipeline.register_builder", lambda fn: None)  # no vectors here
    app = FastAPI()
    router = plans_router(None)
    app.include_router(router)
    with TestClient(app) as c:
        yield c, isolated


def test_token_is_required(isolated):
    app = FastAPI()
    app.include_router(plans_router(None))
    c = TestClient(app)
    r = c.post("/api/admin/plans/preview?filename=a.md", content=b"x")
    assert r.status_code == 403 and "PLANQA_ADMIN_TOKEN" in r.json()["error"]["message_th"]
    settings.override(admin_token="s3cret")
    r = c.post("/api/admin/plans/preview?filename=a.md", content=b"x", headers={"X-Admin-Token": "nope"})
    assert r.status_code == 401


def test_preview_confirm_rebuild_and_swap(admin):
    c, (corpus, index) = admin
    h = {"X-Admin-Token": "s3cret"}
    r = c.post("/api/admin/plans/preview?filename=khonkaen1.md", content=SAMPLE.encode(), headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["counts"] == {"strategies": 1, "indicators": 1, "targets": 2, "guidelines": 0}
    assert p["office"] == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"
    assert p["indicators"][0]["targets"] == {"2567": "80", "2568": "85"}
    job = c.post(f"/api/admin/plans/{p['upload_id']}/confirm", headers=h).json()["job_id"]
    for _ in range(600):
        j = c.get(f"/api/admin/plans/jobs/{job}", headers=h).json()
        if j["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert j["state"] == "done", j
    assert (corpus / "khonkaen1.md").exists()
    store = Store(store_path(index))
    assert store.plans["khonkaen1"].office_id == "spp-khon-kaen-1"
    assert len(store.plans) == 6  # the five bundled plans are still there


def test_bad_uploads_get_clear_messages(admin):
    c, _ = admin
    h = {"X-Admin-Token": "s3cret"}
    r = c.post("/api/admin/plans/preview?filename=a.exe", content=b"MZ", headers=h)
    assert r.status_code == 400
    r = c.post("/api/admin/plans/preview?filename=a.txt", content="สูตรแกงเขียวหวาน".encode(), headers=h)
    assert r.status_code == 422 and "ไม่พบโครงสร้างของแผน" in r.json()["error"]["message_th"]
    r = c.post("/api/admin/plans/nope/confirm", headers=h)
    assert r.status_code == 404
