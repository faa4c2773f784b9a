from .accounts import FeedToken, Invitation
from .audit import GENESIS_HASH, AuditEvent
from .dispatch import Dispatch
from .documents import Document, DocumentKind, DocumentTemplate
from .followups import FollowUp
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
from .report_documents import ReportDocument, ReportTemplate
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
    "FollowUp",
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
    "ReportDocument",
    "ReportTemplate",
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
