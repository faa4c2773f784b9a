from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from review.models import (
    ImmutableRowError,
    Organization,
    Paper,
    Review,
    StatementVersion,
    User,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_oparl_id_is_unique_per_source() -> None:
    source = f.make_source()
    long_id = "https://ris.example.org/oparl/" + "x" * 400
    f.make_paper(source=source, oparl_id=long_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_paper(source=source, oparl_id=long_id)


def test_the_same_oparl_id_may_exist_in_two_sources() -> None:
    f.make_paper(source=f.make_source(), oparl_id="https://a.example/p/1")
    f.make_paper(source=f.make_source(), oparl_id="https://a.example/p/1")
    assert Paper.objects.count() == 2


def test_manual_papers_have_no_oparl_id_and_need_no_source() -> None:
    f.make_paper()
    f.make_paper()
    assert Paper.objects.filter(oparl_id__isnull=True).count() == 2


def test_an_oparl_id_needs_a_source() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_paper(oparl_id="https://a.example/p/1")


def test_deleting_a_paper_only_marks_it() -> None:
    paper = f.make_paper()
    paper.delete()
    assert not Paper.objects.filter(pk=paper.pk).exists()
    tombstone = Paper.all_objects.get(pk=paper.pk)
    assert tombstone.deleted and tombstone.deleted_at is not None


def test_queryset_soft_delete_keeps_rows() -> None:
    f.make_organization("A")
    f.make_organization("B")
    Organization.objects.all().soft_delete()
    assert Organization.objects.count() == 0
    assert Organization.all_objects.count() == 2


def test_a_review_of_a_soft_deleted_paper_still_reaches_its_paper() -> None:
    review = f.make_review()
    review.paper.delete()
    review = Review.objects.get(pk=review.pk)
    assert review.paper.deleted


def test_one_review_per_paper() -> None:
    paper = f.make_paper()
    f.make_review(paper)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_review(paper)


def test_not_affected_needs_a_reason() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_review(status=Review.Status.NOT_AFFECTED, closed_at=timezone.now())


def test_relevance_score_is_at_most_100() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_review(relevance_score=101)


def test_meeting_cannot_end_before_it_starts() -> None:
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_meeting(start=start, end=start - timedelta(hours=1))


def test_statement_versions_are_numbered_uniquely() -> None:
    review = f.make_review()
    author = f.officer()
    version = f.make_statement_version(review, author)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementVersion.objects.create(statement=version.statement, number=1, author=author)


def test_statement_versions_cannot_be_changed_or_deleted() -> None:
    version = f.make_statement_version(f.make_review(), f.officer())
    version.facts = "geändert"
    with pytest.raises(ImmutableRowError):
        version.save()
    with pytest.raises(ImmutableRowError):
        version.delete()


def test_current_version_is_the_newest() -> None:
    review = f.make_review()
    author = f.officer()
    f.make_statement_version(review, author, facts="eins")
    f.make_statement_version(review, author, facts="zwei")
    current = review.statement.current_version
    assert current is not None and current.facts == "zwei"


def test_user_cannot_be_their_own_deputy() -> None:
    user = f.officer()
    user.deputy = user
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_deputy_acts_while_the_owner_is_absent() -> None:
    deputy = f.head()
    today = timezone.localdate()
    user = f.officer(deputy=deputy, absent_from=today, absent_until=today + timedelta(days=3))
    assert user.acting_person(today) == deputy
    assert user.acting_person(today + timedelta(days=4)) == user


def test_overdue_and_due_soon_reviews() -> None:
    today = timezone.localdate()
    late = f.make_review(deadline=today - timedelta(days=1))
    soon = f.make_review(deadline=today + timedelta(days=2))
    f.make_review(deadline=today + timedelta(days=30))
    assert list(Review.objects.overdue(today)) == [late]
    assert list(Review.objects.due_soon(7, today)) == [soon]
    assert late.is_overdue(today) and soon.is_due_soon(7, today)


def test_file_stem_makes_reference_safe_for_file_names() -> None:
    assert f.make_paper(reference="V2345/24").file_stem == "V2345-24"


def test_users_are_the_custom_model() -> None:
    assert User._meta.label == "review.User"


def test_joined_names_lists_the_live_names_in_name_order_and_none_for_no_names() -> None:
    from review.models import Consultation, Organization, Paper
    from review.models.expressions import joined_names

    paper = f.make_paper()
    consultation = f.make_consultation(paper)
    social, youth = f.make_organization("Sozialausschuss"), f.make_organization("Jugendhilfe")
    gone = f.make_organization("Aufgelöster Beirat")
    consultation.organizations.add(social, youth, gone)
    gone.soft_delete()
    lonely = f.make_consultation(paper)
    names = dict(
        Consultation.objects.filter(paper=paper)
        .annotate(names=joined_names(Consultation.organizations, Consultation))
        .values_list("pk", "names")
    )
    assert names == {consultation.pk: "Jugendhilfe, Sozialausschuss", lonely.pk: None}
    paper.under_direction_of.add(youth)
    led = Paper.objects.annotate(names=joined_names(Paper.under_direction_of, Paper)).get()
    assert led.names == "Jugendhilfe"
    assert Organization.all_objects.count() == 3  # left out, not deleted


def test_has_rows_tells_whether_anything_points_at_the_row() -> None:
    from review.models import Statement
    from review.models.expressions import has_rows

    without = f.make_review()
    with_one = f.make_review()
    f.make_statement_version(with_one, f.officer())
    flags = dict(
        Review.objects.annotate(has=has_rows(Statement, "review", Review)).values_list("pk", "has")
    )
    assert flags == {without.pk: False, with_one.pk: True}


def test_person_name_is_the_name_a_person_is_shown_with() -> None:
    from review.models.people import person_name

    people = [
        f.make_user("anna", first_name="Anna", last_name="Berg"),
        f.make_user("bert", first_name="", last_name="Meier"),
        f.make_user("cem", first_name="Cem", last_name=""),
        f.make_user("dora", first_name="", last_name=""),
    ]
    for person in people:
        f.make_review(assignee=person)
    unassigned = f.make_review()
    names = dict(
        Review.objects.annotate(name=person_name(Review.assignee)).values_list("pk", "name")
    )
    assert names.pop(unassigned.pk) is None
    assert sorted(names.values()) == sorted(str(person) for person in people)
    assert sorted(names.values()) == ["Anna Berg", "Cem", "Meier", "dora"]
