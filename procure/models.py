"""Imports every model so that the metadata (and Alembic) sees the whole schema."""
from procure.acceptance.models import ChecklistItem, CommunityConfirmation, Rectification, SiteVisit  # noqa: F401
from procure.accounts.models import ApiToken, Division, LoginFailure, Organisation, User  # noqa: F401
from procure.attachments.models import Attachment  # noqa: F401
from procure.audit import chain  # noqa: F401  (seals every new audit entry as it is flushed)
from procure.audit.models import AuditEntry  # noqa: F401
from procure.catalogue.models import (Catalogue, CatalogueAmendment, CatalogueItem, Category,  # noqa: F401
                                      NegativeListItem)
from procure.delivery.models import MilestoneConfirmation, PaymentRequest, ServiceRecord  # noqa: F401
from procure.documents.models import IssuedDocument  # noqa: F401
from procure.filestore import StoredFile  # noqa: F401
from procure.evaluators.models import (ConflictDeclaration, EvaluatorDraw, EvaluatorProfile,  # noqa: F401
                                      EvaluatorStaff, FirmEngagement, PersonalDeclaration)
from procure.jobs import JobRun  # noqa: F401
from procure.notifications.models import Notification  # noqa: F401
from procure.opendata.models import OcdsRelease  # noqa: F401
from procure.payments.models import Payment  # noqa: F401
from procure.performance_evaluation.models import (DivergenceNote, Indicator, IndicatorTemplate,  # noqa: F401
                                                   LeafScore, PerformanceEvaluation, ScoreSheet)
from procure.procurement.models import (Bid, Challenge, Contract, ContractAmendment, Milestone,  # noqa: F401
                                        MilestoneReport)
from procure.procurement.tenders import BidScore, PanelMember, Tender, TenderCriterion  # noqa: F401
from procure.projects.counts import ProjectCount  # noqa: F401  (kept as projects are flushed)
from procure.projects.models import BudgetLine, Deliberation, Objection, Project  # noqa: F401
from procure.providers.models import (ControlRelation, Debarment, ProviderProfile, TeamMember,  # noqa: F401
                                     Violation)
from procure.ratelimit import RateLimitCounter  # noqa: F401
from procure.redemption.models import Redemption, RewardItem  # noqa: F401
from procure.survey.models import Survey, SurveyResponse, SurveyToken  # noqa: F401
from procure.talent.models import ProfessionalCertificate, ProjectSkill, TalentProfile  # noqa: F401
from procure.totals.models import FilterTotals, ProjectFigures  # noqa: F401  (kept as projects change)
from procure.volunteers.models import Activity, CorrectionRequest, PointEntry, SignUp, Volunteer  # noqa: F401
from procure.workdays.models import CalendarDay, CalendarYear  # noqa: F401
