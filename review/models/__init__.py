from .accounts import FeedToken, Invitation
from .api import ApiToken
from .archive import Handover, HandoverItem
from .audit import GENESIS_HASH, AuditEvent, AuditVerb
from .dispatch import Dispatch, StatementDownload
from .documents import Document, DocumentKind, DocumentTemplate
from .followups import FollowUp
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
from .people import Role, SignIn, User
from .report_documents import ReportDocument, ReportTemplate
from .retention import DeletionRecord
from .reviews import (
    BeiratVote,
    ChangeProposal,
    Contribution,
    ImmutableRowError,
    InvalidTransition,
    Recommendation,
    Review,
    Statement,
    StatementVersion,
    Topic,
)
from .search import SearchEntry, SearchSynonym, SearchTerm
from .send_backs import SendBack
from .sync import KeywordTerm, RelevanceModel, SyncError, SyncRun

__all__ = [
    "DEFAULT_DELIVERY",
    "GENESIS_HASH",
    "AgendaItem",
    "ApiToken",
    "AuditCheck",
    "AuditEvent",
    "AuditVerb",
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
    "FollowUp",
    "Handover",
    "HandoverItem",
    "ImmutableRowError",
    "InvalidTransition",
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
    "RelevanceModel",
    "ReportDocument",
    "ReportTemplate",
    "Review",
    "Role",
    "SearchEntry",
    "SearchSynonym",
    "SearchTerm",
    "SendBack",
    "SignIn",
    "Source",
    "Statement",
    "StatementDownload",
    "StatementVersion",
    "SyncError",
    "SyncRun",
    "Topic",
    "User",
]
