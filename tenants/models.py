"""States (the tenants), people, and who may do what in which State."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

# First path segments that belong to the site, so no State may take them as its slug.
RESERVED_SLUGS = frozenset(
    {"api", "accounts", "platform", "static", "media", "i18n", "healthz", "readyz", "admin", "workspace"}
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        # The hosting office's administrators: they run the platform, they are not Django
        # superusers (a superuser passes every permission check, inside every State).
        fields.setdefault("is_platform_admin", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_platform_admin = models.BooleanField(
        _("platform administrator"),
        default=False,
        help_text=_("Works for the hosting office: provisions and supports States."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


def validate_state_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved by the site."), params={"slug": value})


class State(models.Model):
    """A State using the platform: the tenant. Its rows carry ``state_id``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        validators=[validate_state_slug],
        help_text=_("Lower-case letters, digits and hyphens; it appears in every address of the State."),
    )
    iso3 = models.CharField(
        _("ISO 3166 alpha-3 code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital letters, such as SVN."))],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    content_languages = ArrayField(
        models.CharField(max_length=16),
        verbose_name=_("content languages"),
        default=list,
        help_text=_("Languages the State's recommendations and reports are kept in."),
    )
    default_language = models.CharField(_("default language"), max_length=16, default="en")
    portal_enabled = models.BooleanField(_("public portal"), default=False)
    portal_introduction = models.TextField(
        _("introduction on the public portal"),
        blank=True,
        help_text=_("Shown at the top of the public portal: who publishes it, and what it holds."),
    )
    require_two_factor = models.BooleanField(
        _("two-factor sign-in for staff"),
        default=False,
        help_text=_("Administrators and secretariat officers must sign in with a code from an app as well."),
    )
    # On for new States; States created before it existed kept their review as it was (migration
    # tenants 0009).
    four_eyes_review = models.BooleanField(
        _("four-eyes review of progress updates"),
        default=True,
        help_text=_("The person who wrote or last edited a progress update cannot validate it: someone else must."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("first reminder, days before a deadline"),
        default=7,
        validators=[MaxValueValidator(90)],
        help_text=_("What a new data-collection round proposes; each round can say otherwise."),
    )
    overdue_reminder_days = models.PositiveSmallIntegerField(
        _("after a deadline, remind every"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Days between two reminders to focal points whose tasks are overdue."),
    )
    # Consultation (docs/consultation.md); a section of the State's settings page.
    consultation_anonymous = models.BooleanField(
        _("anonymous submissions"),
        default=False,
        help_text=_("Visitors of the portal may send information in a consultation without giving a name or contact."),
    )
    nhri_assessments_public = models.BooleanField(
        _("publish the NHRI's assessments"),
        default=False,
        help_text=_(
            "The national human rights institution's assessment of each published recommendation shows on the "
            "portal, apart from the government's status."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("State")
        verbose_name_plural = _("States")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self) -> None:
        if self.content_languages and self.default_language not in self.content_languages:
            raise ValidationError({"default_language": _("The default language must be one of the content languages.")})


class StateOwned(models.Model):
    """Base of every model whose rows belong to one State.

    The scoped manager refuses to query unless a State scope is active (tenants.scoping), and
    row-level security in PostgreSQL admits only the current State's rows (tenants.rls).
    """

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="+", verbose_name=_("State"))

    objects = ScopedManager(state="state")

    class Meta:
        abstract = True


class Role(models.TextChoices):
    STATE_ADMIN = "admin", _("State administrator")
    SECRETARIAT = "secretariat", _("Secretariat officer")
    FOCAL_POINT = "focal_point", _("Focal point")
    OBSERVER = "observer", _("Observer")
    # The national human rights institution's own accounts: they read what observers read, and
    # give the institution's assessment of each recommendation's implementation (consultation).
    NHRI = "nhri", _("National human rights institution")


class Membership(StateOwned):
    """A person's role in one State. A person may belong to several States, with a role in each."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # A deactivated person keeps their membership (and everything history says they did) but
    # cannot enter the State: tenants.queries.membership_for answers None for them.
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["state", "user"], name="membership_unique_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Invitation(StateOwned):
    """An invitation to join a State in a role, sent by e-mail with a secret link.

    Only the token's hash is kept (``tenants.people.token_hash``). The link works once
    (``accepted_at``), until ``expires_at`` (``NRTD_INVITATION_DAYS``), unless cancelled; resending
    it makes a new token, so the link of an earlier e-mail stops working. A focal point's
    invitation names the entities they will answer for (``entity_ids``, ids of
    ``recommendations.Entity``: the recommendations app binds them on acceptance).
    """

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    language = models.CharField(_("language of the e-mails"), max_length=10, blank=True)
    entity_ids = ArrayField(models.BigIntegerField(), verbose_name=_("entities"), default=list, blank=True)
    focal_point_kind = models.CharField(_("kind of focal point"), max_length=20, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # One open invitation per address and State: inviting again updates it.
            models.UniqueConstraint(
                fields=["state", "email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_open_once",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        """Neither accepted nor cancelled (it may have expired)."""
        return self.accepted_at is None and self.cancelled_at is None

    @property
    def is_expired(self) -> bool:
        return self.is_open and self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        """Its link still works."""
        return self.is_open and self.expires_at > timezone.now()


class HistoryEntry(models.Model):
    """One change to one row of State data, written by a database trigger (tenants.history).

    Written for every insert, update and delete on every State-owned table, whether it came
    from the ORM, a bulk update or raw SQL. ``context`` points at pghistory's context row: who
    made the change, from which page or job. The application's role may insert here but neither
    update nor delete, so history cannot be rewritten from the application.
    """

    class Operation(models.TextChoices):
        INSERT = "I", _("created")
        UPDATE = "U", _("changed")
        DELETE = "D", _("deleted")

    # No foreign-key constraint: history outlives the rows it describes. No index of its own:
    # history_row_idx starts with it (every index costs each of the many inserts here).
    state = models.ForeignKey(
        State,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("State"),
    )
    table_name = models.CharField(max_length=100)
    row_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=1, choices=Operation.choices)
    changed_at = models.DateTimeField()
    context = models.ForeignKey(
        "pghistory.Context", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    # Who made the change (the context's "user", copied by the trigger): the State's log filters
    # on it with an index, which a look into the context's JSON could not use.
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # For an update, only the columns that changed; for an insert or delete, the whole row.
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    objects = ScopedManager(state="state")

    class Meta:
        db_table = "nrtd_history"
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["state", "table_name", "row_id", "changed_at"], name="history_row_idx"),
            # The State's log (tenants.log): newest first, by kind of record, by person.
            models.Index(fields=["state", "-changed_at", "-id"], name="history_state_time_idx"),
            models.Index(fields=["state", "table_name", "-changed_at", "-id"], name="history_state_table_idx"),
            models.Index(
                fields=["state", "actor", "-changed_at", "-id"],
                name="history_state_actor_idx",
                condition=models.Q(actor__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} {self.table_name} {self.row_id} at {self.changed_at:%Y-%m-%d %H:%M}"


class SupportSession(StateOwned):
    """A platform administrator's time inside a State, as an observer, with the reason given.

    Active from ``started_at`` until ``ended_at`` (Leave support mode) or, at the latest,
    ``SUPPORT_SESSION_LENGTH`` after it started. While active, ``tenants.queries.membership_for``
    gives the administrator an observer's membership (never saved) in this State. The State's
    administrators read these sessions, and the pages viewed (``SupportAccess``), on the
    workspace's support log.
    """

    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    user_email = models.EmailField(_("by (e-mail)"))
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["state", "user", "started_at"], name="support_session_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_email} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def expires_at(self):
        return self.started_at + settings.SUPPORT_SESSION_LENGTH

    @property
    def finished_at(self):
        """When it ended: left, or expired (None while still active)."""
        if self.ended_at:
            return self.ended_at
        return self.expires_at if self.expires_at <= timezone.now() else None

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.started_at <= now < self.expires_at


class SupportAccess(StateOwned):
    """One page a platform administrator viewed in support mode (at most ``SUPPORT_ACCESS_LIMIT`` per session)."""

    session = models.ForeignKey(
        SupportSession, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("support session")
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("page"), max_length=500)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("page viewed in support mode")
        verbose_name_plural = _("pages viewed in support mode")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"
