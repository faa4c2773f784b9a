"""Read-only task lists for pages: inbox, team queue, open tasks of one review.

Every list is one query (plus prefetches that do not grow with rows): it selects the process,
its review and paper so templates never hit the database per row.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.models import Contribution, Document, Paper, Review, StatementVersion, User
from review.models.expressions import CompiledQuery, ConstantQuery, loaded
from review.models.people import person_name

from . import deadlines
from .flows import ReviewFlow
from .models import ReviewProcess, review_of

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED]
# Tasks nobody waits on: the flow's timers, its end and its joins.
NOT_WAITING = ["TIMER", "END", "JOIN"]


def _review_tasks() -> QuerySet[Task]:
    return Task.objects.filter(process__flow_class=ReviewFlow).select_related(
        "owner",
        "process__reviewprocess__review__paper",
        "process__reviewprocess__review__assignee",
    )


def human_tasks() -> QuerySet[Task]:
    return _review_tasks().filter(flow_task_type="HUMAN")


def due_date(task: Task) -> date | None:
    return deadlines.step_due_date(task.flow_task.name, review_of(task), task.created)


@dataclass
class TaskRow:
    """One task for a list: the task, its review, due date and the badge to show."""

    task: Task
    review: Review
    due: date | None
    urgency: str
    acting_for: User | None = None

    @property
    def title(self) -> str:
        return str(self.task.flow_task.task_title)


def rows(tasks: QuerySet[Task] | list[Task], user: User | None = None) -> list[TaskRow]:
    return _sorted(
        [_row(task, review_of(task), task.owner, user, timezone.localdate()) for task in tasks]
    )


def _row(task: Task, review: Review, owner: User | None, user: User | None, today: date) -> TaskRow:
    due = deadlines.step_due_date(task.flow_task.name, review, task.created)
    days = user.notice_days if user is not None else None
    acting_for = owner if user is not None and task.owner_id not in (None, user.pk) else None
    return TaskRow(task, review, due, deadlines.urgency(due, today, days=days), acting_for)


def _sorted(result: list[TaskRow]) -> list[TaskRow]:
    return sorted(result, key=lambda row: (row.due or date.max, row.task.pk))


def _drafted_by(person: int) -> Exists:
    return Exists(
        StatementVersion.objects.filter(
            statement__review=OuterRef("process__reviewprocess__review"), author=person
        )
    )


def inbox_tasks(user: User) -> QuerySet[Task]:
    """Meine Aufgaben: tasks assigned to the user and to absent people they deputise for,
    and unassigned Schlusszeichnungen the user may do (the approval has no fixed owner)."""
    return _inbox_tasks(
        user.pk, timezone.localdate(), approver=user.has_perm("review.approve_statement")
    )


def _inbox_tasks(person: int, today: date, *, approver: bool) -> QuerySet[Task]:
    # The people the user deputises for who are away today, as a subquery of the same statement.
    absent = User.objects.filter(User.absent_on(today), deputy=person).values("pk")
    wanted = (Q(owner=person) | Q(owner__in=absent)) & Q(
        status__in=[STATUS.ASSIGNED, STATUS.STARTED]
    )
    if approver:
        # Four-eyes: never offered to someone who wrote a version of the statement.
        wanted |= Q(~_drafted_by(person), flow_task=ReviewFlow.approve, status=STATUS.NEW)
    return human_tasks().filter(wanted)


# What a row of a task list shows and dates (`TaskRow`, `due_date`): a task's row joins five
# tables, and building the statement for all their columns cost more than running it.
TASK_ROW_COLUMNS = (
    "flow_task",
    "flow_task_type",
    "status",
    "created",
    "process_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "process__reviewprocess__review__deadline",
    "process__reviewprocess__review__beirat_deadline",
    "process__reviewprocess__review__shared_with_beirat",
    "process__reviewprocess__review__paper__reference",
    "process__reviewprocess__review__paper__name",
)


def _for_rows(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return (
        tasks.select_related(None)
        .select_related("owner", "process__reviewprocess__review__paper")
        .only(*TASK_ROW_COLUMNS)
    )


# The inbox, opened by everyone many times a day, as one statement compiled once per process
# for each of its two shapes (with or without the unassigned Schlusszeichnungen), the person
# and the day put in on each visit: building it cost three times its running. The row's
# review, paper and owner come as columns beside the task (`_row_objects`).
_REVIEW = "process__reviewprocess__review"
_ROW_COLUMNS = {
    "row_review_id": F(f"{_REVIEW}_id"),
    "row_deadline": F(f"{_REVIEW}__deadline"),
    "row_beirat_deadline": F(f"{_REVIEW}__beirat_deadline"),
    "row_shared_with_beirat": F(f"{_REVIEW}__shared_with_beirat"),
    "row_paper_id": F(f"{_REVIEW}__paper_id"),
    "row_paper_reference": F(f"{_REVIEW}__paper__reference"),
    "row_paper_name": F(f"{_REVIEW}__paper__name"),
    "row_owner_username": F("owner__username"),
    "row_owner_first_name": F("owner__first_name"),
    "row_owner_last_name": F("owner__last_name"),
}


def _inbox_statement(approver: bool) -> CompiledQuery[Task]:
    return CompiledQuery(
        lambda person, today: (
            _inbox_tasks(person, today, approver=approver)
            .select_related(None)
            .only("flow_task", "flow_task_type", "status", "created", "process_id", "owner_id")
            .annotate(**_ROW_COLUMNS)
        ),
        markers=(CompiledQuery.MARKER, CompiledQuery.DAY_MARKER),
    )


_INBOX = {approver: _inbox_statement(approver) for approver in (False, True)}


def inbox(user: User) -> list[TaskRow]:
    today = timezone.localdate()
    tasks = _INBOX[user.has_perm("review.approve_statement")].all(user.pk, today)
    return _sorted([_row(task, *_row_objects(task), user, today) for task in tasks])


def _row_objects(task: Task) -> tuple[Review, User | None]:
    """The review with its paper, and the task's owner, from the columns beside the task."""
    row = vars(task)
    review = loaded(
        Review,
        {
            "id": row["row_review_id"],
            "deadline": row["row_deadline"],
            "beirat_deadline": row["row_beirat_deadline"],
            "shared_with_beirat": row["row_shared_with_beirat"],
            "paper_id": row["row_paper_id"],
        },
    )
    review.paper = loaded(
        Paper,
        {
            "id": row["row_paper_id"],
            "reference": row["row_paper_reference"],
            "name": row["row_paper_name"],
        },
    )
    if task.owner_id is None:
        return review, None
    owner = loaded(
        User,
        {
            "id": task.owner_id,
            "username": row["row_owner_username"],
            "first_name": row["row_owner_first_name"],
            "last_name": row["row_owner_last_name"],
        },
    )
    return review, owner


# Contributions asked of the person, under their inbox on every visit: compiled once per
# process like the inbox (the paper's reference and name as columns beside each row).
_REQUESTED_CONTRIBUTIONS: CompiledQuery[Contribution] = CompiledQuery(
    lambda person: (
        Contribution.objects.filter(contributor=person, status=Contribution.Status.REQUESTED)
        .only("kind", "due_date", "review")
        .annotate(
            paper_reference=F("review__paper__reference"), paper_name=F("review__paper__name")
        )
        .order_by("due_date", "id")
    )
)


def requested_contributions(user: User) -> list[Contribution]:
    """Contributions asked of the person and not yet given, the earliest due first."""
    return _REQUESTED_CONTRIBUTIONS.all(user.pk)


def team_queue_tasks(user: User) -> QuerySet[Task]:
    """Unassigned tasks the user may take ("Übernehmen")."""
    # A superuser's "every permission" does not make the IT administrator the office.
    permissions = user.granted_permissions() if user.is_superuser else user.get_all_permissions()
    tasks = human_tasks().filter(status=STATUS.NEW, owner_permission__in=permissions)
    # Four-eyes: a statement's drafter is not offered its Schlusszeichnung (the task page and
    # the service refuse it as well).
    return tasks.exclude(Q(flow_task=ReviewFlow.approve) & _drafted_by(user.pk))


def team_queue(user: User) -> list[TaskRow]:
    return rows(_for_rows(team_queue_tasks(user)))


def link_for(task: Task, review_id: int | None = None) -> str:
    """Where to act on an open task: the task page, or the page that completes a waiting step."""
    if review_id is None:
        review_id = task.process.reviewprocess.review_id
    if task.flow_task_type == "HUMAN":
        return reverse("workflows:task", args=[task.pk])
    if task.flow_task is ReviewFlow.await_documents:
        return reverse("documents:review_documents", args=[review_id])
    if task.flow_task is ReviewFlow.await_beirat:
        return reverse("workflows:beirat_vote", args=[review_id])
    return ""


def _failed_documents() -> QuerySet[Document]:
    return (
        Document.objects.filter(review__status=Review.Status.APPROVED)
        .filter(Q(status="failed") | Q(pdf_status="failed"))
        .order_by("-id")
    )


def _reviews_without_documents() -> QuerySet[Review]:
    waiting = Task.objects.filter(
        process__reviewprocess__review=OuterRef("pk"),
        flow_task=ReviewFlow.await_documents,
        status=STATUS.NEW,
    )
    return Review.objects.filter(
        Exists(waiting), status=Review.Status.APPROVED, documents__isnull=True
    ).order_by("id")


# The inbox's two alerts for dispatchers, shown on every visit and nearly always empty: their
# ids come from statements compiled once (building them cost more than running them), the
# rows only when there are some.
ALERT_LIMIT = 20
FAILED_DOCUMENT_IDS = ConstantQuery(lambda: _failed_documents().values_list("pk")[:ALERT_LIMIT])
REVIEW_WITHOUT_DOCUMENTS_IDS = ConstantQuery(
    lambda: _reviews_without_documents().values_list("pk")[:ALERT_LIMIT]
)


def failed_documents() -> list[Document]:
    """Documents whose generation failed while their review waits for them (retry offered)."""
    if not (ids := [pk for (pk,) in FAILED_DOCUMENT_IDS.rows()]):
        return []
    return list(_failed_documents().filter(pk__in=ids).select_related("review__paper"))


def reviews_without_documents() -> list[Review]:
    """Approved reviews waiting for documents none of which was requested (request failed)."""
    if not (ids := [pk for (pk,) in REVIEW_WITHOUT_DOCUMENTS_IDS.rows()]):
        return []
    return list(_reviews_without_documents().filter(pk__in=ids).select_related("paper"))


def has_open_tasks() -> RawSQL:
    """EXISTS, for a query of reviews: the review has a task open_tasks_for_review would list.
    Plain SQL like review.models.expressions (an `Exists` costs as much to compile as the query
    it saves); most cases have no open task once they are done."""
    return RawSQL(_open_tasks_sql(), (*OPEN_STATUSES, *NOT_WAITING), output_field=BooleanField())


@functools.cache
def _open_tasks_sql() -> str:
    quote = connection.ops.quote_name
    task, process, review = Task._meta, ReviewProcess._meta, Review._meta
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    kinds = ", ".join(["%s"] * len(NOT_WAITING))
    return (
        f"EXISTS (SELECT 1 FROM {quote(task.db_table)} t JOIN {quote(process.db_table)} p"
        f" ON p.{quote(str(process.pk.column))} = t.{quote(Task.process.field.column)}"
        f" WHERE p.{quote(ReviewProcess.review.field.column)}"
        f" = {quote(review.db_table)}.{quote(str(review.pk.column))}"
        f" AND t.status IN ({statuses}) AND t.flow_task_type NOT IN ({kinds}))"
    )


def open_tasks_for_review(review: Review) -> list[Task]:
    """All unfinished tasks of the review's flow (human steps and waiting handles), oldest first."""
    # Of the owner only the name (`owner_name`): the review and its paper are the caller's
    # already, and the case page reads this on every request.
    return list(
        Task.objects.filter(process__reviewprocess__review=review, status__in=OPEN_STATUSES)
        .exclude(flow_task_type__in=NOT_WAITING)
        .only("flow_task", "flow_task_type", "status", "created", "process_id", "owner_id")
        .annotate(owner_name=person_name(Task.owner))
        .order_by("created", "id")
    )
