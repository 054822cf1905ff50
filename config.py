"""Application settings: every secret, period and cap comes from the environment with a default."""
import os
import secrets
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("PROCURE_INSTANCE", ROOT / "instance"))


def _env_int(name, default):
    return int(os.environ.get(name, default))


def _env_decimal(name, default):
    return Decimal(os.environ.get(name, default))


def _env_fraction(name, default):
    """A share such as "2/3" or "0.5", kept exact."""
    return Fraction(os.environ.get(name, default))


COMMUNITY_CLASSES = ("mature", "urban_village", "village_converted", "work_unit", "no_property")


def served_address() -> str:
    """The address scripts/run.sh serves (HOST and PORT, as gunicorn.conf.py reads them): the public base URL
    of a development or test instance that names none, so its links and QR codes never follow the Host
    header. A wildcard bind is reached on 127.0.0.1 from the machine itself."""
    host = os.environ.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('PORT') or 5000}"


def _env_list(name) -> list[str] | None:
    """A comma-separated setting as a list (None when unset or empty)."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or None


def secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in instance/. gunicorn's workers start
    at once: the key is written whole to a file of the process's own and linked into place, which only the first
    process manages, so that every worker reads that one key (never a half-written file, never one of its own)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        mine = INSTANCE / f".secret_key.{os.getpid()}"
        mine.write_text(secrets.token_hex(32))
        mine.chmod(0o600)
        try:
            os.link(mine, path)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    return path.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'procure.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 30000)
    # Seconds a client is told to wait (Retry-After, with HTTP 503) while the database cannot be reached.
    DATABASE_RETRY_AFTER = _env_int("DATABASE_RETRY_AFTER", 30)
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}
    DISPLAY_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A signed-in session ends after this many minutes without a request, and this many hours after the login
    # whatever happens (the signed cookie itself is refused after the same hours without a request).
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)
    # Cookies only over HTTPS: "1" always (production's default), "0" never; "auto" (the others' default): when
    # the request came over HTTPS (behind a proxy, set TRUSTED_PROXIES so X-Forwarded-Proto is believed).
    SESSION_COOKIE_SECURE_MODE = os.environ.get("SESSION_COOKIE_SECURE", "auto")
    # Strict-Transport-Security on every response when more than 0 (seconds; production: a year). Browsers heed
    # it only over HTTPS; with HSTS_INCLUDE_SUBDOMAINS=1 it covers the subdomains of the site's host as well.
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 0)
    HSTS_INCLUDE_SUBDOMAINS = os.environ.get("HSTS_INCLUDE_SUBDOMAINS", "0") == "1"
    PER_PAGE = _env_int("PER_PAGE", 20)
    # Projects a desk lists as waiting (the longest-waiting first); the project list, by stage, shows them all.
    DESK_WAITING_LIMIT = _env_int("DESK_WAITING_LIMIT", 10)
    # A provider's track record (grades, scores, milestones on time) is counted over its whole history; each
    # worker keeps a count this many seconds (0: never), so that a list of providers costs the same at any size.
    TRACK_RECORD_CACHE_SECONDS = _env_int("TRACK_RECORD_CACHE_SECONDS", 300)
    # The project lists' and the star board's filter options (the communities, firms, districts and years there
    # are), kept by each worker this many seconds (0: never): a new community appears in them within this time.
    FILTER_OPTIONS_CACHE_SECONDS = _env_int("FILTER_OPTIONS_CACHE_SECONDS", 60)
    # A filter among more organisations than this (a city's communities, its firms) is a search box with
    # suggestions, not a <select> sent with every page (procure.pickers).
    SELECT_OPTIONS_LIMIT = _env_int("SELECT_OPTIONS_LIMIT", 60)
    API_TOKEN_HOURS = _env_int("API_TOKEN_HOURS", 12)
    # Argon2id cost (argon2-cffi defaults: t=3, m=64 MiB, p=4).
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _env_int("ARGON2_MEMORY_COST", 65536)

    # Lifecycle periods (working days unless named otherwise).
    NOTICE_WORKING_DAYS = _env_int("NOTICE_WORKING_DAYS", 5)
    CHALLENGE_WORKING_DAYS = _env_int("CHALLENGE_WORKING_DAYS", 7)
    CATALOGUE_NOTICE_WORKING_DAYS = _env_int("CATALOGUE_NOTICE_WORKING_DAYS", 5)
    CITY_NAME = os.environ.get("CITY_NAME", "××市")  # heads the published catalogue
    CONTRACT_MAX_YEARS = _env_int("CONTRACT_MAX_YEARS", 1)
    CONTRACT_MAX_YEARS_MULTI = _env_int("CONTRACT_MAX_YEARS_MULTI", 3)
    # Debarment periods in years: a breach of contract; an evaluation graded 差 bars the next year.
    DEBARMENT_BREACH_YEARS = _env_int("DEBARMENT_BREACH_YEARS", 3)
    DEBARMENT_POOR_GRADE_YEARS = _env_int("DEBARMENT_POOR_GRADE_YEARS", 1)
    # A provider's requirement (civil liability, accounts, capacity, tax, social security) verified by the bureau
    # counts for this many days from the day of verification; then new evidence must be verified.
    PROVIDER_REQUIREMENT_VALID_DAYS = _env_int("PROVIDER_REQUIREMENT_VALID_DAYS", 365)
    # Positions 1–2 of a unified social credit code (registration authority and organisation category, GB 32100)
    # each kind of organisation may have; anything else needs an admin's override with a reason. Providers and
    # evaluators: 民政 51 社会团体, 52 民办非企业单位, 53 基金会, 59 其他; 12 事业单位 (公益一类 are barred
    # separately); 91 企业. Communities (村/居民委员会) are coded by 民政: 54, 55, 59. Government: 11 机关.
    CREDIT_CODE_PREFIXES = {
        "provider": os.environ.get("CREDIT_CODE_PREFIXES_PROVIDER", "51,52,53,59,12,91").split(","),
        "evaluator": os.environ.get("CREDIT_CODE_PREFIXES_EVALUATOR", "51,52,53,59,12,91").split(","),
        "community": os.environ.get("CREDIT_CODE_PREFIXES_COMMUNITY", "54,55,59").split(","),
        "government": os.environ.get("CREDIT_CODE_PREFIXES_GOVERNMENT", "11").split(","),
    }
    # Cap per project by community class, in yuan.
    CLASS_CAPS = {
        "mature": _env_decimal("CAP_MATURE", "50000.00"),
        "urban_village": _env_decimal("CAP_URBAN_VILLAGE", "50000.00"),
        "village_converted": _env_decimal("CAP_VILLAGE_CONVERTED", "50000.00"),
        "work_unit": _env_decimal("CAP_WORK_UNIT", "50000.00"),
        "no_property": _env_decimal("CAP_NO_PROPERTY", "50000.00"),
    }
    # The residents' council (居民议事会) by community class: a meeting is quorate when more than QUORUM_<CLASS>
    # of the registered members are present, and agrees when more than MAJORITY_<CLASS> of those present vote for.
    CLASS_QUORUM = {cls: _env_fraction(f"QUORUM_{cls.upper()}", "2/3") for cls in COMMUNITY_CLASSES}
    CLASS_MAJORITY = {cls: _env_fraction(f"MAJORITY_{cls.upper()}", "1/2") for cls in COMMUNITY_CLASSES}
    # Minimum valid bids to award, per procurement method.
    MIN_BIDS = {
        "open_tender": _env_int("MIN_BIDS_OPEN_TENDER", 3),
        "invited_tender": _env_int("MIN_BIDS_INVITED_TENDER", 3),
        "competitive_negotiation": _env_int("MIN_BIDS_COMPETITIVE_NEGOTIATION", 3),
        "competitive_consultation": _env_int("MIN_BIDS_COMPETITIVE_CONSULTATION", 2),
        "single_source": _env_int("MIN_BIDS_SINGLE_SOURCE", 1),
        "inquiry": _env_int("MIN_BIDS_INQUIRY", 3),
    }
    # Shortest time from the tender notice to the bid deadline, per method: (number, "days" | "working_days").
    # 公开/邀请招标 20 days, 竞争性磋商 10 days, 竞争性谈判 and 询价 3 working days; 单一来源: the
    # justification stays published at least 5 working days.
    MIN_BID_PERIODS = {
        "open_tender": (_env_int("MIN_BID_DAYS_OPEN_TENDER", 20), "days"),
        "invited_tender": (_env_int("MIN_BID_DAYS_INVITED_TENDER", 20), "days"),
        "competitive_consultation": (_env_int("MIN_BID_DAYS_COMPETITIVE_CONSULTATION", 10), "days"),
        "competitive_negotiation": (_env_int("MIN_BID_WORKING_DAYS_COMPETITIVE_NEGOTIATION", 3), "working_days"),
        "inquiry": (_env_int("MIN_BID_WORKING_DAYS_INQUIRY", 3), "working_days"),
        "single_source": (_env_int("SINGLE_SOURCE_NOTICE_WORKING_DAYS", 5), "working_days"),
    }
    # Comprehensive scoring (综合评分法): the price's share of 100 points for services, and the smallest panel.
    BID_PRICE_WEIGHT = _env_int("BID_PRICE_WEIGHT", 10)
    BID_PANEL_MIN = _env_int("BID_PANEL_MIN", 2)
    # After the award: notice within 2 working days; challenges answered within 7; contract signed within
    # 30 calendar days and published within 2 working days of signing.
    AWARD_NOTICE_WORKING_DAYS = _env_int("AWARD_NOTICE_WORKING_DAYS", 2)
    CHALLENGE_ANSWER_WORKING_DAYS = _env_int("CHALLENGE_ANSWER_WORKING_DAYS", 7)
    CONTRACT_SIGN_DAYS = _env_int("CONTRACT_SIGN_DAYS", 30)
    CONTRACT_PUBLISH_WORKING_DAYS = _env_int("CONTRACT_PUBLISH_WORKING_DAYS", 2)
    # Performance deposit at most 10 % of the contract amount; amendments may add at most 10 % to it.
    DEPOSIT_MAX_PERCENT = _env_int("DEPOSIT_MAX_PERCENT", 10)
    # Bid deposit (投标保证金) at most 2 % of the project's budget (its approved amount).
    BID_DEPOSIT_MAX_PERCENT = _env_int("BID_DEPOSIT_MAX_PERCENT", 2)
    # The text that pre-fills a new contract's (or subsidy agreement's) rights and obligations, liability for
    # breach and dispute resolution; the bureau edits it per contract, and each contract keeps its own.
    CONTRACT_DEFAULT_TERMS = {
        "rights_obligations": os.environ.get("CONTRACT_DEFAULT_RIGHTS_OBLIGATIONS", (
            "甲方有权监督检查乙方的服务过程和服务质量，按合同约定组织验收和绩效评价，并按约定及时支付服务费用。"
            "乙方应按合同约定的服务内容、数量和质量标准提供服务，建立服务台账，按时报告服务进展，接受甲方、服务社区"
            "和第三方评估机构的监督，不得转包、违法分包，并对服务中获取的个人信息保密。")),
        "breach_liability": os.environ.get("CONTRACT_DEFAULT_BREACH_LIABILITY", (
            "乙方未按合同约定提供服务或服务质量不达标的，应在甲方要求的期限内整改；逾期不整改或整改后仍不达标的，"
            "甲方有权扣减相应服务费用、不予退还履约保证金并解除合同，乙方列入禁止参与政府购买服务名单。"
            "甲方无正当理由逾期支付服务费用的，应承担相应的违约责任。")),
        "dispute_resolution": os.environ.get("CONTRACT_DEFAULT_DISPUTE_RESOLUTION", (
            "因履行本合同发生的争议，双方应协商解决；协商不成的，任何一方可向甲方所在地有管辖权的人民法院提起诉讼。")),
    }
    AMENDMENT_MAX_INCREASE_PERCENT = _env_int("AMENDMENT_MAX_INCREASE_PERCENT", 10)
    # Evaluation: first-level indicator weights (sum 100) and grade bands (lower bounds).
    INDICATOR_WEIGHTS = {"decision": 20, "implementation": 20, "output": 40, "effect": 20}
    GRADE_BANDS = [("excellent", 90), ("good", 80), ("fair", 60), ("poor", 0)]
    # Ratio indicators (actual ÷ planned): the share of the leaf's points at each lower bound (percent).
    RATIO_BANDS = [(100, Decimal(1)), (80, Decimal(2) / 3), (60, Decimal(1) / 3), (0, Decimal(0))]
    # Independent evaluators: a firm's engagement with the provider or community in the last N years is a
    # conflict; the parties' scores on a leaf indicator diverging by more than this many points of 100 must
    # be explained before the evaluation is finalised.
    CONFLICT_LOOKBACK_YEARS = _env_int("CONFLICT_LOOKBACK_YEARS", 3)
    DIVERGENCE_THRESHOLD = _env_int("DIVERGENCE_THRESHOLD", 20)
    # Acceptance: days the implementer gets for a rectification, and failed rounds before the bureau may
    # only terminate.
    RECTIFICATION_DAYS = _env_int("RECTIFICATION_DAYS", 15)
    RECTIFICATION_MAX_ROUNDS = _env_int("RECTIFICATION_MAX_ROUNDS", 2)
    # The final instalment paid by grade, in percent.
    FINAL_PAYMENT_PERCENT = {"excellent": _env_int("FINAL_PAYMENT_PERCENT_EXCELLENT", 100),
                             "good": _env_int("FINAL_PAYMENT_PERCENT_GOOD", 100),
                             "fair": _env_int("FINAL_PAYMENT_PERCENT_FAIR", 90),
                             "poor": _env_int("FINAL_PAYMENT_PERCENT_POOR", 70)}
    # Use of the grades the year after: a provider graded one of these has priority among equal bids (同等条件下
    # 优先: the same score and price, or the same price for the lowest-price methods); 差 debars (above).
    PRIORITY_GRADES = tuple(os.environ.get("PRIORITY_GRADES", "excellent,good").split(","))
    # What may be paid when (procure/payments/schedule.py). A contract's milestone the community confirms as
    # partly met pays this share of its instalment (met in full: all of it; not met: nothing); a contract may
    # state an advance of at most ADVANCE_MAX_PERCENT of its amount.
    MILESTONE_PARTIAL_PERCENT = _env_int("MILESTONE_PARTIAL_PERCENT", 50)
    ADVANCE_MAX_PERCENT = _env_int("ADVANCE_MAX_PERCENT", 50)
    # A subsidy agreement, as signed: the advance paid from signing, the final share held until the performance
    # evaluation and paid by grade (FINAL_PAYMENT_PERCENT), the rest once the project is accepted.
    SUBSIDY_ADVANCE_PERCENT = _env_int("SUBSIDY_ADVANCE_PERCENT", 50)
    SUBSIDY_FINAL_PERCENT = _env_int("SUBSIDY_FINAL_PERCENT", 30)
    # A reward: nothing before the evaluation, then the approved amount times the grade's share, in percent.
    REWARD_PERCENT = {"excellent": _env_int("REWARD_PERCENT_EXCELLENT", 100),
                      "good": _env_int("REWARD_PERCENT_GOOD", 90),
                      "fair": _env_int("REWARD_PERCENT_FAIR", 70),
                      "poor": _env_int("REWARD_PERCENT_POOR", 0)}
    # Resident satisfaction survey: days it stays open, and the responses needed before it counts.
    SURVEY_DAYS = _env_int("SURVEY_DAYS", 14)
    SURVEY_MIN_RESPONSES = _env_int("SURVEY_MIN_RESPONSES", 10)
    # Volunteer service points: hours credited per activity at most; points per hour by activity category
    # (1 hour = 1 point × multiplier); stars by cumulative hours; points expire after N months (0: never).
    VOLUNTEER_HOURS_CAP = _env_decimal("VOLUNTEER_HOURS_CAP", "2")
    VOLUNTEER_CATEGORIES = {  # category: multiplier
        "elderly": _env_decimal("VOLUNTEER_MULTIPLIER_ELDERLY", "1.5"),
        "children": _env_decimal("VOLUNTEER_MULTIPLIER_CHILDREN", "1.2"),
        "disability": _env_decimal("VOLUNTEER_MULTIPLIER_DISABILITY", "1.5"),
        "environment": _env_decimal("VOLUNTEER_MULTIPLIER_ENVIRONMENT", "1"),
        "safety": _env_decimal("VOLUNTEER_MULTIPLIER_SAFETY", "1"),
        "culture": _env_decimal("VOLUNTEER_MULTIPLIER_CULTURE", "1"),
        "governance": _env_decimal("VOLUNTEER_MULTIPLIER_GOVERNANCE", "1"),
    }
    STAR_HOURS = [100, 300, 600, 1000, 1500]  # cumulative hours for 1…5 stars
    POINTS_EXPIRE_MONTHS = _env_int("POINTS_EXPIRE_MONTHS", 0)
    # Skills the talent pool and micro-projects name (free words are allowed too).
    TALENT_SKILLS = ("social_worker", "doctor", "nurse", "lawyer", "electrician", "plumber", "teacher",
                     "psychologist", "accountant", "it", "photography", "arts")
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "procure-demo-2026")
    # The address the public reaches the site at (scheme, host, port and any path prefix): every absolute link
    # (PDF verification links and QR codes, OCDS URIs, survey and check-in QR codes) starts with it, never with
    # the request's Host header. Required in production; elsewhere the address scripts/run.sh serves.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or served_address()
    # Host names the site answers to ("procure.example.gov.cn,.example.gov.cn": a leading dot admits the
    # subdomains); a request naming another host is refused with 400. Unset: any host.
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # Logs: "text" (one readable line) or "json" (one JSON object per line); the level of the app's own logger.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # The largest PDF the public verification form accepts for comparison.
    VERIFY_UPLOAD_MAX_BYTES = _env_int("VERIFY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    # Public portal: objections residents may file from one address, and where the counts are kept.
    PUBLIC_OBJECTION_LIMIT = os.environ.get("PUBLIC_OBJECTION_LIMIT", "5 per hour")
    PUBLIC_SURVEY_LIMIT = os.environ.get("PUBLIC_SURVEY_LIMIT", "30 per hour")
    PUBLIC_REGISTRATION_LIMIT = os.environ.get("PUBLIC_REGISTRATION_LIMIT", "10 per hour")  # volunteers signing up
    # Official PDFs the public may download from one address (a PDF is kept once issued; only its first
    # download, or the first after its data changed, renders it).
    PUBLIC_DOCUMENT_LIMIT = os.environ.get("PUBLIC_DOCUMENT_LIMIT", "120 per hour")
    # Rendering official PDFs (procure/documents/render_pool.py): renders at a time per worker process, how
    # long a download waits for one before it answers 503 with Retry-After, and the caps of one render (a
    # longer render is stopped and answers 503; a longer document is refused with 422). Keep the time cap
    # under the web server's worker timeout (gunicorn: 30 s).
    DOCUMENT_RENDER_CONCURRENCY = _env_int("DOCUMENT_RENDER_CONCURRENCY", 1)
    DOCUMENT_RENDER_WAIT_SECONDS = _env_int("DOCUMENT_RENDER_WAIT_SECONDS", 5)
    DOCUMENT_RENDER_TIMEOUT_SECONDS = _env_int("DOCUMENT_RENDER_TIMEOUT_SECONDS", 20)
    DOCUMENT_MAX_PAGES = _env_int("DOCUMENT_MAX_PAGES", 200)
    # "procure-db://" keeps the counts in the application's database, shared by every worker and machine
    # ("memory://" counts per process; "redis://host:6379" would do as well).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "procure-db://")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins (page and API) allowed per account and per address within the window, then HTTP 429.
    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 10)
    LOGIN_FAILURE_WINDOW_MINUTES = _env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
    # Proxies in front of the app that set X-Forwarded-For (the per-address limits read the client behind them).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    # Open data (OCDS 1.1.5): the registered ocid prefix ("ocds-" and six characters), the publisher and
    # the licence named in every package, and the releases per page of the feed.
    OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "ocds-pr0cur")
    OCDS_PUBLISHER_NAME = os.environ.get("OCDS_PUBLISHER_NAME", "")  # empty: "<CITY_NAME>民政局"
    OCDS_PUBLISHER_UID = os.environ.get("OCDS_PUBLISHER_UID", "")  # the publisher's credit code, if any
    OCDS_LICENSE = os.environ.get("OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
    OCDS_FEED_PAGE_SIZE = _env_int("OCDS_FEED_PAGE_SIZE", 100)
    # Attachments: a cap per file. Their bytes are kept in the database (procure/filestore.py); ATTACHMENTS_DIR
    # is only where migration 0020_file_store finds the files uploaded before, to copy them in.
    ATTACHMENT_MAX_BYTES = _env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR", str(INSTANCE / "attachments"))
    # A request may carry one file at the cap plus its form fields; anything larger is refused with 413
    # before it is read.
    MAX_CONTENT_LENGTH = ATTACHMENT_MAX_BYTES + 64 * 1024


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    # No default: every machine behind a load balancer must sign with the same key and link to the same site
    # (procure/settings.py refuses to start without them).
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    SESSION_COOKIE_SECURE_MODE = os.environ.get("SESSION_COOKIE_SECURE", "1")
    SESSION_COOKIE_SECURE = SESSION_COOKIE_SECURE_MODE == "1"
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 365 * 24 * 3600)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    RATELIMIT_STORAGE_URI = "memory://"
    # A GET whose view writes without @writes (procure.database) fails the test that made it.
    CHECK_WRITE_MARKS = True
    # Tests move the clock by days with a user signed in; the lifetimes' own tests set the real limits.
    SESSION_IDLE_MINUTES = 10 * 365 * 24 * 60
    SESSION_ABSOLUTE_HOURS = 10 * 365 * 24
    # Tests change data and read it at once; the caches' own tests set them.
    TRACK_RECORD_CACHE_SECONDS = 0
    FILTER_OPTIONS_CACHE_SECONDS = 0


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
