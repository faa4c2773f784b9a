from .accounts import FeedToken, Invitation
from .audit import GENESIS_HASH, AuditEvent
from .dispatch import Dispatch
from .documents import Document, DocumentKind, DocumentTemplate
from .notifications import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from .oparl import (
    AgendaItem,
    Body,
    Consultation,
    File,
    Meeting,
    OParlObject,
    Organization,
    Paper,
    Source,
)
from .people import Role, SignIn, User
from .reviews import (
    BeiratVote,
    ChangeProposal,
    Contribution,
    ImmutableRowError,
    Recommendation,
    Review,
    Statement,
    StatementVersion,
    Topic,
)
from .sync import KeywordTerm, SyncError, SyncRun

__all__ = [
    "DEFAULT_DELIVERY",
    "GENESIS_HASH",
    "AgendaItem",
    "AuditEvent",
    "BeiratVote",
    "Body",
    "ChangeProposal",
    "Consultation",
    "Contribution",
    "Delivery",
    "Dispatch",
    "Document",
    "DocumentKind",
    "DocumentTemplate",
    "FeedToken",
    "File",
    "ImmutableRowError",
    "Invitation",
    "KeywordTerm",
    "Meeting",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "OParlObject",
    "Organization",
    "Paper",
    "Recommendation",
    "Review",
    "Role",
    "SignIn",
    "Source",
    "Statement",
    "StatementVersion",
    "SyncError",
    "SyncRun",
    "Topic",
    "User",
]
