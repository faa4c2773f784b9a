"""People: one user model for staff and for external members (Beirat, clerks)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The groups created by the roles migration; the value is the group name."""

    OFFICER = "Sachbearbeitung", _("Officer")
    HEAD = "Beauftragte", _("Commissioner")
    CLERK = "Gremienbetreuung", _("Committee service")
    BEIRAT = "Beiratsmitglied", _("Beirat member")
    ADMIN = "Administration", _("Administration")


class SignIn(models.TextChoices):
    """Where a person's password is checked; directory accounts have no usable local one."""

    LOCAL = "", _("Local password")
    LDAP = "ldap", _("Directory (LDAP)")
    OIDC = "oidc", _("OpenID Connect")


class User(AbstractUser):
    job_title = models.CharField(
        _("Funktion"),
        max_length=200,
        blank=True,
        help_text=_("erscheint unter der Unterschrift, z. B. „Integrationsbeauftragte“"),
    )
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    unit = models.CharField(_("Organisationseinheit"), max_length=200, blank=True)
    deputy = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy_for",
        verbose_name=_("Vertretung"),
    )
    absent_from = models.DateField(_("abwesend von"), null=True, blank=True)
    absent_until = models.DateField(_("abwesend bis"), null=True, blank=True)
    # Clerks serve these Gremien; Beirat members belong to them.
    organizations = models.ManyToManyField(
        "review.Organization", blank=True, related_name="members", verbose_name=_("Gremien")
    )
    # Statements are mailed as PDF; some clerks edit them into their minutes and want Word too.
    wants_docx = models.BooleanField(
        _("Stellungnahmen auch als Word-Datei"),
        default=False,
        help_text=_("Versand von Stellungnahmen zusätzlich als .docx"),
    )
    # "Due date approaching" this many days ahead; None: the installation's NOTIFY_DUE_SOON_DAYS.
    due_soon_days = models.PositiveSmallIntegerField(
        _("Days of notice before a deadline"), null=True, blank=True
    )
    is_external = models.BooleanField(
        _("extern"),
        default=False,
        help_text=_(
            "Person außerhalb der Verwaltung (z. B. Beiratsmitglied): "
            "Anmeldung nur mit zweitem Faktor."
        ),
    )
    # Set by the first directory or OpenID Connect sign-in; the nightly directory check only
    # deactivates accounts that came from the directory (docs/sso.md).
    sign_in = models.CharField(
        _("Sign-in"), max_length=10, choices=SignIn.choices, default=SignIn.LOCAL, blank=True
    )

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(absent_until__isnull=True)
                | Q(absent_from__isnull=True)
                | Q(absent_until__gte=models.F("absent_from")),
                name="user_absence_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(deputy=models.F("id")), name="user_is_not_own_deputy"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def notice_days(self) -> int:
        """How many days before a deadline "due date approaching" is sent to this person."""
        if self.due_soon_days is None:
            return int(settings.NOTIFY_DUE_SOON_DAYS)
        return self.due_soon_days

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()

    def granted_permissions(self) -> set[str]:
        """Permissions from roles and direct grants only. Django gives a superuser every
        permission; the IT administrator's account must still not assign cases or approve
        statements, which is the office's work. Also what the ModelBackend
        (review.accounts.backends) answers for everyone else: one statement on every page."""
        app_label, codename, rows = _granted_permissions_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {app_label}, {codename} {rows}", [self.pk, self.pk])
            return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}

    @property
    def roles(self) -> set[str]:
        return set(self.groups.values_list("name", flat=True))

    def is_absent(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        if self.absent_from is None and self.absent_until is None:
            return False
        starts = self.absent_from or date.min
        ends = self.absent_until or date.max
        return starts <= on <= ends

    @staticmethod
    def absent_on(on: date) -> Q:
        """The condition `is_absent(on)` as a filter over people."""
        return (Q(absent_from__isnull=False) | Q(absent_until__isnull=False)) & (
            (Q(absent_from__isnull=True) | Q(absent_from__lte=on))
            & (Q(absent_until__isnull=True) | Q(absent_until__gte=on))
        )

    def acting_person(self, on: date | None = None) -> User:
        """Who acts for this person today: the deputy while they are absent."""
        if self.deputy is not None and self.is_absent(on):
            return self.deputy
        return self


def permission_names() -> RawSQL:
    """`User.granted_permissions` as an annotation of a query over people: the names
    "app_label.codename" joined by commas (codenames hold no commas)."""
    person = person_id_column()
    app_label, codename, rows = _granted_permissions_sql(person)
    name = f"{app_label} || '.' || {codename}"
    function = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    aggregate = f"{function}({name}, ',')"
    return RawSQL(f"(SELECT {aggregate} {rows})", (), output_field=models.TextField())


@functools.cache
def _granted_permissions_sql(person: str = "%s") -> tuple[str, str, str]:
    """The person's own permissions and their groups', as `app_label, codename` rows for the
    person whose id is the SQL `person` (a placeholder or a column): one UNION built once from
    the models' metadata (Django's backend sends two statements, and the ORM spelling of one
    costs more to compile than the statement takes to run). Returns the app label's and the
    codename's column and the FROM … WHERE part."""
    permission, content_type = Permission._meta, ContentType._meta
    own = User.user_permissions.through._meta
    roles = User.groups.through._meta
    role_permissions = Group.permissions.through._meta

    def column(meta: Any, name: str) -> str:
        return _quote(meta.get_field(name).column)

    app_label = f"c.{column(content_type, 'app_label')}"
    codename = f"p.{column(permission, 'codename')}"
    rows = (
        f"FROM {_quote(permission.db_table)} p JOIN {_quote(content_type.db_table)} c "
        f"ON c.{column(content_type, 'id')} = p.{column(permission, 'content_type')} "
        f"WHERE p.{column(permission, 'id')} IN ("
        f"SELECT {column(own, 'permission')} FROM {_quote(own.db_table)} "
        f"WHERE {column(own, 'user')} = {person} "
        f"UNION SELECT g.{column(role_permissions, 'permission')} "
        f"FROM {_quote(role_permissions.db_table)} g JOIN {_quote(roles.db_table)} r "
        f"ON r.{column(roles, 'group')} = g.{column(role_permissions, 'group')} "
        f"WHERE r.{column(roles, 'user')} = {person})"
    )
    return app_label, codename, rows


def person_id_column() -> str:
    """The people table's id column as SQL, for subqueries correlated with a query over people
    (the annotations ModelBackend.get_user reads the signed-in person with)."""
    return f"{_quote(User._meta.db_table)}.{_quote(str(User._meta.pk.column))}"


def person_name(relation: Any) -> RawSQL:
    """`str(person)` (the full name, else the username) of the person a row points at through
    `relation` (`Review.assignee`), as an annotation of a query over the relation's model (its
    base table); NULL without one. For lists that show a person's name and nothing else of
    them: joining the person with select_related costs more Python time than the rest of such
    a query."""
    field = relation.field
    return RawSQL(
        _person_name_sql(field.model._meta.db_table, field.column),
        (),
        output_field=models.TextField(),
    )


@functools.cache
def _person_name_sql(table: str, column: str) -> str:
    # AbstractUser.get_full_name: "first last" stripped; __str__ falls back to the username.
    first, last, username = (
        _quote(str(cast(models.Field, User._meta.get_field(name)).column))
        for name in ("first_name", "last_name", "username")
    )
    return (
        f"(SELECT COALESCE(NULLIF(TRIM(u.{first} || ' ' || u.{last}), ''), u.{username})"
        f" FROM {_quote(User._meta.db_table)} u"
        f" WHERE u.{_quote(str(User._meta.pk.column))} = {_quote(table)}.{_quote(column)})"
    )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
