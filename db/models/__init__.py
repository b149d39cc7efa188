"""The data model. Import models from here; every table is registered on `Base.metadata`."""

from db.models.base import Base
from db.models.flags import CheckRun, Flag, FlagEvent, FlagStatus, Severity
from db.models.harvest import CrawlRun, DiscoveredLink, Document, Fetch, FetchOutcome, RunStatus
from db.models.people import (
    Digest,
    DigestStatus,
    RecrawlRequest,
    RecrawlStatus,
    Role,
    Subscription,
    User,
)
from db.models.registry import Body, BodyKind, DeadlineOverride, Jurisdiction, JurisdictionLevel, Portal
from db.models.reports import Report, ReportOrigin, ReportVersion, TextSignature

__all__ = [
    "Base",
    "Body",
    "BodyKind",
    "CheckRun",
    "CrawlRun",
    "DeadlineOverride",
    "Digest",
    "DigestStatus",
    "DiscoveredLink",
    "Document",
    "Fetch",
    "FetchOutcome",
    "Flag",
    "FlagEvent",
    "FlagStatus",
    "Jurisdiction",
    "JurisdictionLevel",
    "Portal",
    "RecrawlRequest",
    "RecrawlStatus",
    "Report",
    "ReportOrigin",
    "ReportVersion",
    "Role",
    "RunStatus",
    "Severity",
    "Subscription",
    "TextSignature",
    "User",
]
