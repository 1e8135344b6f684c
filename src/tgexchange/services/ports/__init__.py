"""What the use cases need from the outside world, as narrow Protocols, one module per role.

Import from the package; the modules say which role a port plays.
"""

from tgexchange.services.ports.clock import (
    Clock,
)
from tgexchange.services.ports.dashboard_reader import (
    TASK_EXPORT_COLUMNS,
    AdminSession,
    CommunityCounts,
    DashboardReader,
    DayCount,
    FailureCount,
    FailureRow,
    MemberRow,
    PlatformCounts,
    Scope,
)
from tgexchange.services.ports.fair_play import (
    ADMISSION_REFUSED,
    COOLDOWN_STARTED,
    FairPlayDashboard,
    FairPlayEvent,
    FairPlayReader,
    FairPlayRepository,
    FairPlayStanding,
    NamedEvent,
    QueuedAppeal,
)
from tgexchange.services.ports.jobs import (
    VerificationQueue,
)
from tgexchange.services.ports.member_reader import (
    ChannelLine,
    MemberReader,
    MemberReport,
    MemberStanding,
    TaskLine,
)
from tgexchange.services.ports.miniapp_reader import (
    AppMembership,
    CreditFlows,
    GivenLine,
    MemberActivity,
    MiniAppReader,
    OpenTaskLine,
    ReceivedFeedbackLine,
    ReceivedLine,
)
from tgexchange.services.ports.notifications import (
    DeliveryOutcome,
    Notice,
    NoticeRepository,
    Notifier,
    Outbox,
    PendingNotice,
)
from tgexchange.services.ports.operations import (
    OperationsRepository,
    SwitchChange,
    WorkerBeat,
)
from tgexchange.services.ports.platforms import (
    CommentReader,
    ContentReader,
    ShortLinkResolver,
)
from tgexchange.services.ports.quality import (
    QualityGate,
    QualityVerdict,
)
from tgexchange.services.ports.storage import (
    AuditRepository,
    ChannelRepository,
    CommunityRepository,
    FailureRepository,
    JoinRepository,
    LeaderboardRow,
    LedgerRepository,
    LoginLinkRepository,
    MemberRepository,
    ProofRepository,
    StatsRepository,
    SubmissionRepository,
    TaskRepository,
    UnitOfWork,
)

__all__ = [
    "ADMISSION_REFUSED",
    "COOLDOWN_STARTED",
    "TASK_EXPORT_COLUMNS",
    "AdminSession",
    "AppMembership",
    "AuditRepository",
    "ChannelLine",
    "ChannelRepository",
    "Clock",
    "CommentReader",
    "CommunityCounts",
    "CommunityRepository",
    "ContentReader",
    "CreditFlows",
    "DashboardReader",
    "DayCount",
    "DeliveryOutcome",
    "FailureCount",
    "FailureRepository",
    "FailureRow",
    "FairPlayDashboard",
    "FairPlayEvent",
    "FairPlayReader",
    "FairPlayRepository",
    "FairPlayStanding",
    "GivenLine",
    "JoinRepository",
    "LeaderboardRow",
    "LedgerRepository",
    "LoginLinkRepository",
    "MemberActivity",
    "MemberReader",
    "MemberReport",
    "MemberRepository",
    "MemberRow",
    "MemberStanding",
    "MiniAppReader",
    "NamedEvent",
    "Notice",
    "NoticeRepository",
    "Notifier",
    "OpenTaskLine",
    "OperationsRepository",
    "Outbox",
    "PendingNotice",
    "PlatformCounts",
    "ProofRepository",
    "QualityGate",
    "QualityVerdict",
    "QueuedAppeal",
    "ReceivedFeedbackLine",
    "ReceivedLine",
    "Scope",
    "ShortLinkResolver",
    "StatsRepository",
    "SubmissionRepository",
    "SwitchChange",
    "TaskLine",
    "TaskRepository",
    "UnitOfWork",
    "VerificationQueue",
    "WorkerBeat",
]
