from .audit import GENESIS_HASH, AuditEvent
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

__all__ = [
    "GENESIS_HASH",
    "AgendaItem",
    "AuditEvent",
    "BeiratVote",
    "Body",
    "ChangeProposal",
    "Consultation",
    "Contribution",
    "File",
    "ImmutableRowError",
    "Meeting",
    "OParlObject",
    "Organization",
    "Paper",
    "Recommendation",
    "Review",
    "Role",
    "Source",
    "Statement",
    "StatementVersion",
    "Topic",
    "User",
]
