"""Property-based fuzzing of the whole HTTP API from its own OpenAPI schema
(schemathesis + hypothesis): whatever the input, never a 5xx (the index is there)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from assistant.channels.http.app import create_app  # noqa: E402
from assistant.channels.line import LineConfig  # noqa: E402
from assistant.service import Assistant  # noqa: E402

EXAMPLES = 40


@pytest.fixture(scope="module")
def api_schema(built_index, tmp_path_factory):
    from assistant.stores.state import SqliteState

    app = create_app(Assistant(built_index, hybrid=False),
                     line_config=LineConfig("fuzz-secret", "fuzz-token", "http://127.0.0.1:9"),
                     state=SqliteState(tmp_path_factory.mktemp("fuzz") / "state.sqlite"))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_input_gives_a_5xx(api_schema):
    """Every operation of /openapi.json, with generated paths, queries and bodies."""
    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "POST /api/ask", "GET /api/indicators", "POST /api/align", "POST /api/proposal",
        "GET /api/sources/{doc}", "POST /line/webhook", "GET /readyz"}
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, case.body, case.query,
                                                response.text[:300])
            if response.status_code >= 400 and case.path != "/healthz" and case.path != "/readyz":
                body = response.json()
                assert set(body) == {"error"} and body["error"]["message_th"], body

        run()


@pytest.fixture(scope="module")
def client(built_index):
    from fastapi.testclient import TestClient

    with TestClient(create_app(Assistant(built_index, hybrid=False), line_config=LineConfig())) as c:
        yield c


@pytest.mark.parametrize("path", ["/api/ask", "/api/align", "/api/proposal"])
def test_lone_surrogate_in_office_is_400_and_the_connection_stays_usable(client, path):
    body = ('{"question": "วิสัยทัศน์", "idea": "ซ้อมอพยพหนีไฟ", "office": "\\ud800"}').encode()
    r = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_encoding", r.text
    assert client.post("/api/ask", json={"question": "วิสัยทัศน์ของ สพป.ตรัง เขต 2"}).status_code == 200


@pytest.mark.parametrize("year", ["²", "①", "1e9999"])
def test_odd_digit_years_are_400(client, year):
    r = client.get("/api/indicators", params={"office": "spp-chiangmai-6", "year": year})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_parameter", r.text
    for path in ("/api/align", "/api/proposal"):
        r = client.post(path, json={"idea": "ซ้อมอพยพหนีไฟ", "office": "สพม.ลำปาง ลำพูน", "year": year})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_year", r.text


@pytest.mark.parametrize("path", ["/api/ask", "/api/align", "/api/proposal", "/api/proposal/x/fields"])
def test_every_post_requires_application_json(client, path):
    body = '{"question": "วิสัยทัศน์", "idea": "ซ้อมอพยพหนีไฟ", "fields": {}}'
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": ctype} if ctype else {}
        r = client.post(path, content=body.encode(), headers=headers)
        if path.endswith("/fields"):  # no such draft: 404 first, never a draft made from text/plain
            assert r.status_code in (404, 415), r.text
        else:
            assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type", r.text


text_values = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True),
                        st.booleans(), st.lists(st.text(max_size=5), max_size=3))


@given(office=text_values, year=text_values, question=text_values, top=text_values)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_any_json_values_give_a_4xx_or_an_answer(client, office, year, question, top):
    import json

    for path, body in (("/api/ask", {"question": question, "office": office}),
                       ("/api/align", {"idea": question, "office": office, "year": year, "top": top}),
                       ("/api/proposal", {"idea": question, "office": office, "year": year})):
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
        r = client.post(path, content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code < 500, (path, body, r.text[:300])
    if isinstance(year, str) or year is None:
        r = client.get("/api/indicators", params={"year": year, "office": office if isinstance(office, str) else None})
        assert r.status_code < 500, (year, r.text[:300])
