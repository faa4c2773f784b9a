import pytest
from django.contrib.auth.models import Group

from review.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_roles_migration_creates_the_five_groups() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.parametrize(
    ("persona", "allowed", "denied"),
    [
        (
            f.officer,
            ["review.triage_review", "review.draft_statement"],
            ["review.approve_statement", "review.assign_review"],
        ),
        (
            f.head,
            ["review.approve_statement", "review.assign_review", "review.triage_review"],
            ["review.add_source"],
        ),
        (
            f.clerk,
            ["review.view_released_statement"],
            ["review.view_review", "review.draft_statement"],
        ),
        (
            f.beirat_member,
            ["review.view_shared_review", "review.record_beirat_vote"],
            ["review.view_paper", "review.view_review"],
        ),
        (
            f.administrator,
            ["review.add_source", "review.change_user"],
            ["review.approve_statement", "review.draft_statement"],
        ),
        (f.outsider, [], ["review.view_paper", "review.view_review"]),
    ],
)
def test_each_role_has_exactly_the_permissions_it_needs(persona, allowed, denied) -> None:
    user = persona()
    for perm in allowed:
        assert user.has_perm(perm), perm
    for perm in denied:
        assert not user.has_perm(perm), perm
