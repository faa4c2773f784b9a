from .accounts import FeedToken, Invitation
from .archive import Handover, HandoverItem
from .audit import GENESIS_HASH, AuditEvent
from .dispatch import Dispatch
from .documents import Document, DocumentKind, DocumentTemplate
from .integrity import AuditCheck
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
from .people import Role, User
from .retention import DeletionRecord
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
    "AuditCheck",
    "AuditEvent",
    "BeiratVote",
    "Body",
    "ChangeProposal",
    "Consultation",
    "Contribution",
    "DeletionRecord",
    "Delivery",
    "Dispatch",
    "Document",
    "DocumentKind",
    "DocumentTemplate",
    "FeedToken",
    "File",
    "Handover",
    "HandoverItem",
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
    "Source",
    "Statement",
    "StatementVersion",
    "SyncError",
    "SyncRun",
    "Topic",
    "User",
]
