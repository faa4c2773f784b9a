"""The read API: tokens, scopes, rate limit, pagination, OpenAPI, and the permission matrix —
each role's token sees exactly what the same person sees in the UI."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from review.documents.services import active_template, ensure_default_templates
from review.models import ApiToken, Document, Review, User
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = ["cases", "statements", "papers"]


def _api(user: User, scopes: list[str] = ALL) -> Client:
    _, secret = ApiToken.issue(name=f"DMS {user.username}", user=user, scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _ids(client: Client, path: str, key: str = "id") -> set[int]:
    response = client.get(path, {"page_size": 100})
    assert response.status_code == 200, response.content
    return {item[key] for item in response.json()["items"]}


@pytest.fixture
def world() -> dict[str, Any]:
    """Two committees; a released statement for each (one shared with the Beirat, on a public
    paper), a non-public paper in the clerk's committee, and a case still in drafting."""
    ours = f.make_organization("Integrationsausschuss")
    theirs = f.make_organization("Bauausschuss")
    released = f.make_released_review(
        f.make_paper("Sprachkurse für Neuzugewanderte", reference="V100/26"),
        committee=ours,
        shared_with_beirat=True,
    )
    elsewhere = f.make_released_review(
        f.make_paper("Sanierung Brücke Nord", reference="V200/26"), committee=theirs
    )
    drafting = f.make_review(
        f.make_paper("Unterkunft Lindenstraße", reference="V300/26"), status=Review.Status.DRAFTING
    )
    f.make_consultation(drafting.paper, organization=ours)
    secret_paper = f.make_paper("Grundstücksankauf (nichtöffentlich)", reference="V400/26")
    secret_paper.is_public = False
    secret_paper.save()
    f.make_consultation(secret_paper, organization=ours)
    ensure_default_templates()
    version = released.statement.current_version
    stored = default_storage.save(
        "documents/V100-26.docx", ContentFile(b"PK\x03\x04 Stellungnahme")
    )
    document = Document.objects.create(
        review=released,
        statement_version=version,
        template=active_template("committee"),
        kind="committee",
        number=1,
        file_stem="V100-26_Stellungnahme_Integration",
        status=Document.Status.READY,
        docx=stored,
        docx_sha256="abc",
        created_by=f.make_user(),
    )
    clerk = f.clerk()
    clerk.organizations.add(ours)
    beirat = f.beirat_member()
    beirat.organizations.add(ours)
    return {
        "released": released,
        "elsewhere": elsewhere,
        "drafting": drafting,
        "secret_paper": secret_paper,
        "document": document,
        "clerk": clerk,
        "beirat": beirat,
    }


def test_permission_matrix_over_the_api(world: dict[str, Any]) -> None:
    released, elsewhere, drafting = world["released"], world["elsewhere"], world["drafting"]
    every_case = {released.pk, elsewhere.pk, drafting.pk}
    expected = {
        # role: (cases, statements, papers)
        "officer": (every_case, {released.pk, elsewhere.pk}, None),
        "head": (every_case, {released.pk, elsewhere.pk}, None),
        "clerk": ({released.pk}, {released.pk}, {released.paper_id, drafting.paper_id}),
        # The Beirat reads shared cases, not the council papers (no such page in the UI either).
        "beirat": ({released.pk}, {released.pk}, set()),
        "outsider": (set(), set(), set()),
    }
    users = {
        "officer": f.officer(),
        "head": f.head(),
        "clerk": world["clerk"],
        "beirat": world["beirat"],
        "outsider": f.outsider(),
    }
    for role, (cases, statements, papers) in expected.items():
        client = _api(users[role])
        assert _ids(client, "/api/v1/cases") == cases, role
        assert _ids(client, "/api/v1/statements", key="case_id") == statements, role
        visible_papers = _ids(client, "/api/v1/papers")
        if papers is None:  # the office sees every paper
            assert world["secret_paper"].pk in visible_papers
        else:
            assert visible_papers == papers, role
        # Details answer 404 exactly where the list leaves a row out.
        for case in every_case:
            status = client.get(f"/api/v1/cases/{case}").status_code
            assert status == (200 if case in cases else 404), (role, case)
        secret = client.get(f"/api/v1/papers/{world['secret_paper'].pk}").status_code
        assert secret == (200 if papers is None else 404), role
        download = client.get(f"/api/v1/documents/{world['document'].pk}/docx")
        assert download.status_code == (200 if released.pk in statements else 404), role


def test_a_statement_carries_its_approved_text_and_document_links(world: dict[str, Any]) -> None:
    client = _api(world["clerk"])
    statement = client.get(f"/api/v1/statements/{world['released'].pk}").json()
    assert statement["reference"] == "V100/26"
    assert statement["recommendation"] in {"approve", "approve_with_changes", "reject", "note"}
    [document] = statement["documents"]
    assert document["file_name"] == "V100-26_Stellungnahme_Integration"
    assert document["pdf_url"] is None
    file = client.get(document["docx_url"])
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == b"PK\x03\x04 Stellungnahme"  # type: ignore[attr-defined]
    assert "V100-26_Stellungnahme_Integration.docx" in file["Content-Disposition"]


def test_tokens_are_refused_when_missing_wrong_inactive_or_expired() -> None:
    officer = f.officer()
    assert Client().get("/api/v1/cases").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer stw_nope_nope").get("/api/v1/cases").status_code == 401
    token, secret = ApiToken.issue(name="DMS", user=officer, scopes=ALL)
    good = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert good.get("/api/v1/cases").status_code == 200
    tampered = Client(HTTP_AUTHORIZATION=f"Bearer {secret[:-2]}xx")
    assert tampered.get("/api/v1/cases").status_code == 401
    token.is_active = False
    token.save()
    assert good.get("/api/v1/cases").status_code == 401
    token.is_active = True
    token.expires_at = token.created_at
    token.save()
    assert good.get("/api/v1/cases").status_code == 401
    officer.is_active = False
    officer.save()
    token.expires_at = None
    token.save()
    assert good.get("/api/v1/cases").status_code == 401


def test_only_a_hash_of_the_secret_is_stored() -> None:
    token, secret = ApiToken.issue(name="DMS", user=f.officer(), scopes=["cases"])
    stored = ApiToken.objects.values_list("key_hash", flat=True).get(pk=token.pk)
    assert secret.split("_", 2)[2] not in stored
    assert len(stored) == 64


def test_scopes_limit_what_a_token_may_read() -> None:
    client = _api(f.officer(), scopes=["papers"])
    assert client.get("/api/v1/papers").status_code == 200
    refused = client.get("/api/v1/cases")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This token may not read cases."
    assert client.get("/api/v1/statements").status_code == 403
    with pytest.raises(ValueError):
        ApiToken.issue(name="x", user=f.officer(username="o2"), scopes=["everything"])


def test_lists_are_paginated() -> None:
    for number in range(7):
        f.make_review(f.make_paper(f"Vorlage {number}", reference=f"V{number}/26"))
    client = _api(f.officer())
    first = client.get("/api/v1/cases", {"page_size": 5}).json()
    second = client.get("/api/v1/cases", {"page_size": 5, "page": 2}).json()
    assert first["count"] == 7
    assert len(first["items"]) == 5 and len(second["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_each_token_is_rate_limited(settings: Any) -> None:
    from review.api import api as api_module

    throttle: Any = api_module.api.throttle[0]  # type: ignore[index]
    previous = throttle.rate, throttle.num_requests, throttle.duration
    throttle.rate = "3/min"
    throttle.num_requests, throttle.duration = throttle.parse_rate("3/min")
    try:
        client, other = _api(f.officer()), _api(f.head())
        answers = [client.get("/api/v1/papers").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert other.get("/api/v1/papers").status_code == 200
    finally:
        throttle.rate, throttle.num_requests, throttle.duration = previous


def test_the_openapi_description_lists_every_endpoint() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Stellwerk"
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{pk}",
        "/api/v1/statements",
        "/api/v1/statements/{case_pk}",
        "/api/v1/papers",
        "/api/v1/papers/{pk}",
        "/api/v1/documents/{pk}/{fmt}",
    } <= set(schema["paths"])
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


def test_the_command_issues_a_working_token_lists_and_revokes_it() -> None:
    from io import StringIO

    from django.core.management import call_command

    f.officer(username="dms-konto")
    out = StringIO()
    call_command("api_token", "issue", "--name", "DMS", "--user", "dms-konto", stdout=out)
    secret = out.getvalue().splitlines()[-1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/cases").status_code == 200
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    key_id = secret.split("_")[1]
    assert f"{key_id}  DMS  Konto dms-konto" in listing.getvalue()
    call_command("api_token", "revoke", key_id, stdout=StringIO())
    assert client.get("/api/v1/cases").status_code == 401


def test_the_statement_list_costs_the_same_queries_for_one_row_or_many() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _api(f.officer())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/statements").status_code == 200
        return len(queries)

    f.make_released_review(f.make_paper("Vorlage 1", reference="V1/26"))
    count()  # the token's first use records its time once
    one = count()
    for number in range(2, 6):
        f.make_released_review(f.make_paper(f"Vorlage {number}", reference=f"V{number}/26"))
    assert count() == one
