"""The Beauftragte's desk (#15): assignment with everyone's workload and absences, approval with
the document as it goes out, the changes since her send-back and her earlier reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from review.documents.services import active_template
from review.models import AuditEvent, AuditVerb, DocumentKind, Review, StatementVersion
from tests import factories as f
from workflows import desk, flows
from workflows.flows import ReviewFlow, start_for_review

from .conftest import DRAFT, client_for, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db


def _triaged(reference: str, deadline_days: int = 30) -> Review:
    review = f.make_review(f.make_paper(f"Vorlage {reference}", reference=reference))
    Review.objects.filter(pk=review.pk).update(deadline=f.in_days(deadline_days))
    review.refresh_from_db()
    start_for_review(review)
    return review


def _to_assignment(office, review: Review) -> None:
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )


def _to_approval(office, review: Review, draft: dict[str, str] | None = None) -> None:
    _to_assignment(office, review)
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    client_for(office.officer).post(submit_url(open_task(review, ReviewFlow.draft)), draft or DRAFT)
    assert Review.objects.get(pk=review.pk).status == Review.Status.APPROVAL


def _current(review: Review) -> StatementVersion:
    version = Review.objects.get(pk=review.pk).statement.current_version
    assert version is not None
    return version


def _cell(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}">(.*?)</td>', html, flags=re.S)


# --- assignment ----------------------------------------------------------------------------------


def test_the_picker_shows_each_officers_open_cases_and_nearest_deadlines(office):
    for days in (12, 5, 40, 20):  # anna: four open cases
        f.make_review(
            assignee=office.officer, status=Review.Status.DRAFTING, deadline=f.in_days(days)
        )
    f.make_review(assignee=office.officer2, status=Review.Status.ASSIGNED, deadline=f.in_days(9))
    f.make_review(
        assignee=office.officer2,
        status=Review.Status.CLOSED,
        closed_at=timezone.now(),
        deadline=f.in_days(1),
    )
    waiting = _triaged("V1/26")
    _to_assignment(office, waiting)

    html = client_for(office.head).get("/zuweisung/").content.decode()

    loads = {load.person.username: load for load in desk.workloads()}
    assert loads["anna"].open_cases == 4
    assert loads["anna"].deadlines == [f.in_days(5), f.in_days(12), f.in_days(20)]  # nearest 3
    assert loads["bert"].open_cases == 1  # the closed case does not count
    workload = html.split('data-testid="workload"', 1)[1]
    assert _cell(workload, "open-cases") == ["1", "4"]  # the least loaded first
    assert f.in_days(5).strftime("%d.%m.%Y") in _cell(workload, "deadlines")[1]
    picker = html.split('data-testid="desk-assign-form"', 1)[1].split("</select>", 1)[0]
    # bert has room: he is suggested; each option names the count and the next deadline.
    assert re.search(
        rf'value="{office.officer2.pk}" selected>\s*Bert Muster – 1 offener Vorgang', picker
    )
    option = f"Anna Muster – 4 offene Vorgänge, nächste Frist {f.in_days(5):%d.%m.}"
    assert option in " ".join(picker.split())  # an option's label is read with spaces collapsed


def test_absent_officers_are_shown_with_their_deputy_and_not_offered(office):
    office.officer2.absent_until = f.in_days(10)
    office.officer2.deputy = office.officer
    office.officer2.save()
    _to_assignment(office, _triaged("V2/26"))

    html = client_for(office.head).get("/zuweisung/").content.decode()

    picker = html.split('data-testid="desk-assign-form"', 1)[1].split("</select>", 1)[0]
    assert f'value="{office.officer.pk}"' in picker
    assert f'value="{office.officer2.pk}"' not in picker
    absence = _cell(html.split('data-testid="workload"', 1)[1], "absence")
    bert = next(cell for cell in absence if "abwesend" in cell)
    assert f"abwesend bis {f.in_days(10):%d.%m.%Y}" in bert and "Vertretung: Anna Muster" in bert


def test_the_beauftragte_assigns_from_the_list_without_claiming(office):
    first, second = _triaged("V3/26", 10), _triaged("V4/26", 20)
    _to_assignment(office, first)
    _to_assignment(office, second)
    task = open_task(first, ReviewFlow.assign)
    assert task.status == STATUS.NEW and task.owner is None  # nobody claimed it

    response = client_for(office.head).post(
        f"/zuweisung/{task.pk}/", {"assignee": office.officer2.pk}
    )

    assert response.status_code == 302 and response["Location"] == "/zuweisung/"
    first.refresh_from_db()
    assert first.assignee == office.officer2 and first.status == Review.Status.ASSIGNED
    assert open_task(first, ReviewFlow.draft).owner == office.officer2
    event = AuditEvent.objects.filter(review=first, verb=AuditVerb.REVIEW_ASSIGNED).get()
    assert event.actor == office.head and event.details["assignee"] == "bert"
    # The next waiting case is in focus.
    html = client_for(office.head).get("/zuweisung/").content.decode()
    assert "V3/26" not in html.split('data-testid="assignment-list"', 1)[1]
    row = html.split(f'id="zuweisung-{open_task(second, ReviewFlow.assign).pk}"', 1)[1]
    assert "autofocus" in row.split("</select>", 1)[0]


def test_an_absent_officer_is_refused_with_a_german_message(office):
    office.officer2.absent_from = timezone.localdate() - timedelta(days=1)
    office.officer2.absent_until = f.in_days(3)
    office.officer2.deputy = office.officer
    office.officer2.save()
    review = _triaged("V5/26")
    _to_assignment(office, review)
    task = open_task(review, ReviewFlow.assign)

    response = client_for(office.head).post(
        f"/zuweisung/{task.pk}/", {"assignee": office.officer2.pk}
    )

    assert response.status_code == 200
    error = response.content.decode().split('data-testid="assign-error">', 1)[1].split("<", 1)[0]
    assert error == (
        f"Bert Muster ist bis {f.in_days(3):%d.%m.%Y} abwesend. Bitte jemanden wählen, der da "
        "ist; die Vertretung ist Anna Muster."
    )
    assert Review.objects.get(pk=review.pk).assignee is None
    assert open_task(review, ReviewFlow.assign).status == STATUS.NEW


def test_the_desk_shows_a_clear_empty_state(office):
    html = client_for(office.head).get("/zuweisung/").content.decode()
    assert 'data-testid="assignment-empty"' in html
    assert "Nichts wartet auf die Zuweisung." in html


# --- absences ------------------------------------------------------------------------------------


def test_an_officer_sets_their_own_absence_and_deputy(office):
    client = client_for(office.officer)
    response = client.post(
        f"/personen/{office.officer.pk}/abwesenheit/",
        {
            "absent_from": f.in_days(1).isoformat(),
            "absent_until": f.in_days(14).isoformat(),
            "deputy": office.officer2.pk,
        },
    )
    assert response.status_code == 302
    office.officer.refresh_from_db()
    assert (office.officer.absent_from, office.officer.absent_until) == (
        f.in_days(1),
        f.in_days(14),
    )
    assert office.officer.deputy == office.officer2
    event = AuditEvent.objects.get(verb=AuditVerb.ACCOUNT_ABSENCE_SET)
    assert event.actor == office.officer and event.details["deputy"] == "bert"


def test_only_the_person_and_the_beauftragte_may_set_an_absence(office):
    url = f"/personen/{office.officer2.pk}/abwesenheit/"
    assert client_for(office.officer).get(url).status_code == 403
    assert client_for(office.head).get(url).status_code == 200
    done = client_for(office.head).post(url, {"absent_until": f.in_days(5).isoformat()})
    assert done.status_code == 302 and done["Location"] == "/zuweisung/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"absent_from": "in_days:5", "absent_until": "in_days:2"},
            "Die Abwesenheit kann nicht enden, bevor sie beginnt.",
        ),
        ({"absent_until": "in_days:2", "deputy": "self"}, "gültige Auswahl"),
    ],
)
def test_a_wrong_absence_is_refused_with_a_german_message(office, data, message):
    post = {}
    for key, value in data.items():
        if value.startswith("in_days:"):
            post[key] = f.in_days(int(value.split(":")[1])).isoformat()
        else:
            post[key] = str(office.officer.pk)
    response = client_for(office.officer).post(f"/personen/{office.officer.pk}/abwesenheit/", post)
    assert response.status_code == 200
    assert message in response.content.decode()
    office.officer.refresh_from_db()
    assert office.officer.absent_until is None


# --- approval ------------------------------------------------------------------------------------

EDITED = {
    **DRAFT,
    "facts": "Die Vorlage will Sprachkurse für Eltern ausweiten.",
    "assessment": DRAFT["assessment"],
}


def _edit_and_resubmit(office, review: Review, data: dict[str, str]) -> None:
    draft = open_task(review, ReviewFlow.draft)
    version = _current(review).number
    client_for(office.officer).post(submit_url(draft), {**data, "based_on": str(version)})
    assert Review.objects.get(pk=review.pk).status == Review.Status.APPROVAL


def test_a_first_submission_has_nothing_to_compare(office):
    review = _triaged("V6/26")
    _to_approval(office, review)
    html = client_for(office.head).get(task_url(open_task(review, ReviewFlow.approve))).content
    page = html.decode()
    assert 'data-testid="first-submission"' in page
    assert 'data-testid="earlier-reason"' not in page


def test_the_diff_shows_exactly_the_edits_since_the_send_back_and_her_reason(office):
    review = _triaged("V7/26")
    _to_approval(office, review)
    head = client_for(office.head)
    head.post(
        f"/aufgaben/{open_task(review, ReviewFlow.approve).pk}/zurueckgeben/",
        {"reason": "Bitte die Eltern ausdrücklich nennen."},
    )
    review.refresh_from_db()
    sent_back_version = _current(review).number
    # Two saves after the send-back (an autosave in between): the diff spans both.
    draft = open_task(review, ReviewFlow.draft)
    client_for(office.officer).post(
        f"/aufgaben/{draft.pk}/zwischenspeichern/",
        {
            **DRAFT,
            "facts": "Die Vorlage will Sprachkurse für Eltern.",
            "based_on": sent_back_version,
        },
    )
    review.refresh_from_db()
    _edit_and_resubmit(office, review, EDITED)

    html = head.get(task_url(open_task(review, ReviewFlow.approve))).content.decode()

    reason = html.split('data-testid="earlier-reason"', 1)[1].split("</div>\n    </div>", 1)[0]
    assert "Bitte die Eltern ausdrücklich nennen." in reason
    assert "Zurückgegeben von Chefin Muster" in reason
    changes = html.split('data-testid="changes"', 1)[1].split("</section>", 1)[0]
    assert f"Version {sent_back_version} → {sent_back_version + 2}" in changes
    assert re.findall(r"<ins>(.*?)</ins>", changes) == ["für Eltern"]
    assert re.findall(r"<del>(.*?)</del>", changes) == []
    assert changes.count("(unverändert)") == 3  # assessment, proposals, recommendation


def test_a_resubmission_without_edits_says_so(office):
    review = _triaged("V8/26")
    _to_approval(office, review)
    client_for(office.head).post(
        f"/aufgaben/{open_task(review, ReviewFlow.approve).pk}/zurueckgeben/",
        {"reason": "Bitte prüfen."},
    )
    review.refresh_from_db()
    _edit_and_resubmit(office, review, DRAFT)
    html = client_for(office.head).get(task_url(open_task(review, ReviewFlow.approve))).content
    assert 'data-testid="diff-unchanged"' in html.decode()


def test_the_preview_is_the_statement_through_the_offices_word_template(office):
    review = _triaged("V9/26")
    _to_approval(office, review)
    html = client_for(office.head).get(task_url(open_task(review, ReviewFlow.approve))).content
    preview = html.decode().split('data-testid="document-preview"', 1)[1].split("</article>", 1)[0]
    assert "Stellungnahme zur Vorlage Nr. V9/26" in preview  # the template's subject line
    assert "<h3>1. Sachverhalt</h3><p>Die Vorlage will Sprachkurse ausweiten.</p>" in preview
    assert "<td><p>Kinderbetreuung während der Kurse anbieten.</p></td>" in preview
    assert "Mit Kinderbetreuung." in preview
    assert "gez. Chefin Muster" in preview  # signed by the person about to approve
    assert "<h1" not in preview and "<h2" not in preview  # below the page's own headings


def test_a_broken_template_falls_back_to_the_text_with_a_clear_message(office):
    review = _triaged("V10/26")
    _to_approval(office, review)
    template = active_template(DocumentKind.COMMITTEE)
    template.file.save("kaputt.docx", __import__("io").BytesIO(b"no zip"), save=True)
    html = client_for(office.head).get(task_url(open_task(review, ReviewFlow.approve))).content
    page = html.decode()
    fallback = page.split('data-testid="preview-fallback"', 1)[1].split("</div>", 1)[0]
    assert "Die Vorschau über die Word-Vorlage des Büros konnte nicht erstellt werden" in fallback
    assert "keine lesbare Word-Datei" in fallback
    assert "Die Vorlage will Sprachkurse ausweiten." in page.split('data-testid="statement"')[1]


def test_approve_then_the_next_waiting_approval_is_in_focus(office):
    first, second = _triaged("V11/26", 5), _triaged("V12/26", 25)
    _to_approval(office, first)
    _to_approval(office, second)
    head = client_for(office.head)

    done = head.post(f"/aufgaben/{open_task(first, ReviewFlow.approve).pk}/freigeben/")

    assert done.status_code == 302 and done["Location"] == "/schlusszeichnung/"
    first.refresh_from_db()
    assert first.status == Review.Status.APPROVED
    assert _current(first).approved_by == office.head
    following = head.get("/schlusszeichnung/")
    assert following["Location"] == task_url(open_task(second, ReviewFlow.approve))
    head.post(f"/aufgaben/{open_task(second, ReviewFlow.approve).pk}/freigeben/")
    empty = head.get("/schlusszeichnung/").content.decode()
    assert 'data-testid="approvals-empty"' in empty
    assert "Nichts mehr offen" in empty


def test_sending_back_needs_a_reason(office):
    review = _triaged("V13/26")
    _to_approval(office, review)
    task = open_task(review, ReviewFlow.approve)
    response = client_for(office.head).post(f"/aufgaben/{task.pk}/zurueckgeben/", {"reason": " "})
    assert response.status_code == 200
    assert "Bitte begründen Sie die Rückgabe." in response.content.decode()
    assert Review.objects.get(pk=review.pk).status == Review.Status.APPROVAL
    assert not review.send_backs.exists()


def test_the_drafter_cannot_approve_through_the_action_url(office):
    review = _triaged("V14/26")
    _to_approval(office, review)
    task = open_task(review, ReviewFlow.approve)
    office.officer.groups.add(*office.head.groups.all())  # even with the role
    response = client_for(office.officer).post(f"/aufgaben/{task.pk}/freigeben/")
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).status == Review.Status.APPROVAL


def test_my_tasks_link_to_my_own_absence(office):
    html = client_for(office.officer).get("/aufgaben/").content.decode()
    link = html.split('data-testid="my-absence"', 1)[0].rsplit("<a", 1)[1]
    assert f'href="/personen/{office.officer.pk}/abwesenheit/"' in link
    assert "Meine Abwesenheit und Vertretung" in html


def test_the_desk_pages_are_english_after_switching(office):
    review = _triaged("V15/26")
    _to_approval(office, review)
    _to_assignment(office, _triaged("V16/26"))
    client = client_for(office.head)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302

    desk_page = client.get("/zuweisung/").content.decode()
    approval = client.get(task_url(open_task(review, ReviewFlow.approve))).content.decode()

    assert "1 case waits for assignment" in desk_page and "Workload of the officers" in desk_page
    assert "1 open case" in desk_page or "0 open cases" in desk_page
    for german in ["Vorgang wartet", "Auslastung", "offene Vorgänge", "Zuweisen", "anwesend"]:
        assert german not in desk_page, german
    assert "What changed" in approval and "The statement as it goes out" in approval
    assert "First submission" in approval
    for german in ["Was sich geändert hat", "Erste Vorlage", "Freigeben", "Zurückgeben"]:
        assert german not in approval, german
    # The document itself stays German: it goes to a German committee.
    preview = approval.split('data-testid="document-preview"', 1)[1]
    assert "Sehr geehrte Damen und Herren" in preview


def test_the_preview_is_rendered_once_per_content(office, monkeypatch):
    from review.documents import preview as previews

    review = _triaged("V17/26")
    _to_approval(office, review)
    rendered = []
    original = previews.RENDERERS[DocumentKind.COMMITTEE]

    def counting(context, *, template=None):
        rendered.append(context["statement"]["version"])
        return original(context, template=template)

    monkeypatch.setitem(previews.RENDERERS, DocumentKind.COMMITTEE, counting)
    first = previews.statement_preview(review=review, signatory=office.head)
    again = previews.statement_preview(review=review, signatory=office.head)
    assert first == again and rendered == [1]
    # Anything the document shows changes the key: here the title of the paper.
    review.paper.name = "Sprachkurse für Eltern"
    review.paper.save()
    changed = previews.statement_preview(
        review=Review.objects.get(pk=review.pk), signatory=office.head
    )
    assert rendered == [1, 1] and changed.html and "Sprachkurse für Eltern" in changed.html


def test_the_preview_is_made_for_the_approvers_when_the_approval_starts(
    office, monkeypatch, django_capture_on_commit_callbacks
):
    from review.documents import preview as previews

    review = _triaged("V18/26")
    _to_assignment(office, review)
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    rendered: list[str] = []
    original = previews.RENDERERS[DocumentKind.COMMITTEE]

    def counting(context, *, template=None):
        rendered.append(context["signatory"]["name"])
        return original(context, template=template)

    monkeypatch.setitem(previews.RENDERERS, DocumentKind.COMMITTEE, counting)
    queued: list[int] = []
    monkeypatch.setattr(flows.warm_statement_previews, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(office.officer).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    assert queued == [review.pk] and rendered == []  # queued on commit, ids only
    # What the worker does: both Beauftragte, not the drafter.
    assert previews.warm_statement_previews(review_id=review.pk) == 2
    assert sorted(rendered) == ["Chefin Muster", "Vize Muster"]
    # Opening the page then renders nothing more.
    page = client_for(office.head).get(task_url(open_task(review, ReviewFlow.approve)))
    assert 'data-testid="document-preview"' in page.content.decode()
    assert len(rendered) == 2


def test_a_send_back_reason_may_be_5000_characters_long(office):
    review = _triaged("V19/26")
    _to_approval(office, review)
    task = open_task(review, ReviewFlow.approve)
    head = client_for(office.head)
    too_long = head.post(f"/aufgaben/{task.pk}/zurueckgeben/", {"reason": "x" * 5001})
    assert too_long.status_code == 200
    assert "höchstens 5000 Zeichen" in too_long.content.decode()
    assert not review.send_backs.exists()
    done = head.post(f"/aufgaben/{task.pk}/zurueckgeben/", {"reason": "x" * 5000})
    assert done.status_code == 302
    assert review.send_backs.get().reason == "x" * 5000


def test_the_absence_service_refuses_an_absent_or_outside_deputy(office):
    from review.accounts import services as accounts

    office.officer2.absent_until = f.in_days(5)
    office.officer2.save()
    clerk = f.clerk()
    cases = [
        (office.officer2, accounts.DEPUTY_ABSENT_TOO),
        (clerk, accounts.DEPUTY_NOT_STAFF),
        (office.officer, accounts.DEPUTY_IS_SELF),
    ]
    for deputy, message in cases:
        with pytest.raises(accounts.AccountError) as refused:
            accounts.set_absence(
                person=office.officer,
                absent_from=f.in_days(1),
                absent_until=f.in_days(3),
                deputy=deputy,
                by=office.officer,
            )
        assert str(refused.value) == str(message)
    with pytest.raises(accounts.AccountError) as refused:
        accounts.set_absence(
            person=office.officer2,
            absent_from=None,
            absent_until=None,
            deputy=None,
            by=office.officer,
        )
    assert str(refused.value) == str(accounts.ABSENCE_NOT_YOURS)
    assert not AuditEvent.objects.filter(verb=AuditVerb.ACCOUNT_ABSENCE_SET).exists()
