"""Building OCDS 1.1.5 releases from a project's public data (procure.disclosure says what is public).

Each release is a FULL snapshot of what is public about the contracting process at its date (not just the
part that changed). A process's compiled release is still the OCDS merge of its releases
(procure.opendata.merging), as any OCDS tool compiles them: what an earlier release published (a document, a
party) stays in it even where a later-dated snapshot lacks it.

Modelling choices (see also the /open-data page):
- A contracting process starts when the project is listed in a catalogue; before that (and for projects that
  never get there) there is no release.
- The text is the data's own language ("zh"), never the reader's: labels here are plain Chinese strings, not
  translated messages, so a release does not depend on who happened to trigger it.
- Purchase projects map their procurement method to OCDS `open` / `selective` / `direct` (single source is
  awarded to one supplier without competition, which is OCDS `direct`, not `limited`, whose suppliers are
  several). Subsidy and reward projects have no competition either: their tender is `direct`, with the funding
  form in procurementMethodDetails, so that the award, the agreement and the payments still have their place.
- A reward has no signed contract: once the project is accepted the reward decision is published as a contract
  entry without dateSigned or documents, so the reward's payments (transactions) can be published.
- A closed project's contract is `terminated` (OCDS: "has now come to a close … due to successful
  completion"); a contract ended early is `terminated` too, and its project's tender stays `complete`.
- contracts[].milestones are the contract's payment milestones as signed (share and amount in the
  description: OCDS 1.1.5 milestones have no value); implementation.milestones carry their progress.
- Money is Decimal everywhere else; it becomes a JSON number only here (see `amount`).
"""
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlsplit

from flask import current_app

from procure import clock, disclosure
from procure.urls import absolute_url

CURRENCY = "CNY"
LANGUAGE = "zh"
COUNTRY = "中国"
PARTY_SCHEME = "CN-USCC"  # the unified social credit code (统一社会信用代码), as org-id.guide lists it

METHODS = {"open_tender": "open", "invited_tender": "selective", "competitive_negotiation": "selective",
           "competitive_consultation": "selective", "inquiry": "selective", "single_source": "direct"}
METHOD_NAMES = {"open_tender": "公开招标", "invited_tender": "邀请招标", "competitive_negotiation": "竞争性谈判",
                "competitive_consultation": "竞争性磋商", "single_source": "单一来源", "inquiry": "询价"}
FUNDING_DETAILS = {
    "subsidy": "项目补贴：不经竞争，由政府与实施主体签订补贴协议",
    "reward": "项目奖励：社区自主实施，验收合格后按绩效评价结果给予奖励",
}
CONFIRMATION_STATUS = {"met": "met", "partial": "partiallyMet", "not_met": "notMet"}
TERM_NAMES = {"amount": "金额（元）", "deposit": "履约保证金（元）", "end": "结束日期", "service_content": "服务内容", "quantity_targets": "数量指标",
              "quality_targets": "质量指标"}
DOCUMENTS = {  # public document kind → (OCDS documentType, title)
    "proposal": ("needsAssessment", "项目申报书"),
    "award_notice": ("awardNotice", "成交（中标）通知书"),
    "contract": ("contractSigned", "政府购买服务合同"),
    "acceptance_certificate": ("completionCertificate", "验收证书"),
    "evaluation_report": ("finalAudit", "绩效评价报告"),
}
DELIVERY_ON = ("in_delivery", "delivered", "under_acceptance", "rectification", "accepted", "evaluated", "closed")
# The audit actions whose latest time dates a part of the release.
DATED_ACTIONS = ("approve", "list_in_catalogue", "claim_completion", "accept")


def ocid(project) -> str:
    from flask import current_app

    return f"{current_app.config['OCDS_PREFIX']}-{project.code}"


# ---- JSON values ----------------------------------------------------------------------------------

def amount(value: Decimal) -> int | float:
    """A 2-decimal Decimal as a JSON number. Python writes a float with the shortest digits that read back
    to it, so 40000.12 is written "40000.12": the JSON text is exactly the decimal amount (amounts stay far
    below 2**53 fen, where every 2-decimal value has such a float)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def money(value) -> dict:
    return {"amount": amount(value), "currency": CURRENCY}


def yuan(value) -> str:
    return f"{Decimal(value):,.2f} 元"


def moment(value: datetime | None) -> str | None:
    return None if value is None else clock.utc_iso(value)


def day(value: date | None) -> str | None:
    """A calendar date as the start of that day in Shanghai (OCDS dates are date-times)."""
    if value is None:
        return None
    return datetime.combine(value, time(0, 0), tzinfo=clock.SHANGHAI).isoformat()


def pruned(node):
    """Drop None, empty strings, lists and objects: OCDS leaves out what is unknown."""
    if isinstance(node, dict):
        node = {key: pruned(value) for key, value in node.items()}
        return {key: value for key, value in node.items() if value not in (None, "", [], {})}
    if isinstance(node, list):
        return [value for value in (pruned(item) for item in node) if value not in (None, "", [], {})]
    return node


# ---- public addresses -------------------------------------------------------------------------------

def public_url(endpoint: str, **values) -> str | None:
    """The absolute URL of a public page (on PUBLIC_BASE_URL), or None while no such page is served. Built
    without a request (releases are also written by CLI commands)."""
    if endpoint not in current_app.view_functions:
        return None
    return absolute_url(endpoint, **values)


def comparable(content):
    """`content` with the host taken out of every URL: a release written from another address (or by the
    CLI) is the same release."""
    if isinstance(content, dict):
        return {key: (_path_of(value) if key in ("url", "uri") and isinstance(value, str) else comparable(value))
                for key, value in content.items()}
    if isinstance(content, list):
        return [comparable(value) for value in content]
    return content


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---- the snapshot -----------------------------------------------------------------------------------

def snapshot(project) -> dict | None:
    """The project's public data as OCDS fields (no ocid, id, date or tag), or None while it is not a public
    contracting process."""
    if not disclosure.procurement_public(project):
        return None
    return pruned(_Builder(project).release())


class _Parties:
    """The parties in order of first mention, each once, with every role it plays."""

    def __init__(self, divisions: dict):
        self.entries, self.divisions = {}, divisions

    @staticmethod
    def party_id(org) -> str:
        return f"{PARTY_SCHEME}-{org.credit_code}" if org.credit_code else f"procure-org-{org.id}"

    def add(self, org, *roles) -> dict | None:
        """Give `org` these roles; returns its OrganizationReference."""
        if org is None:
            return None
        key = self.party_id(org)
        if key not in self.entries:
            region = self.divisions.get(org.division_code[:6])
            self.entries[key] = {
                "id": key, "name": org.name,
                "identifier": {"scheme": PARTY_SCHEME, "id": org.credit_code, "legalName": org.name}
                if org.credit_code else None,
                "address": {"region": region, "countryName": COUNTRY},
                "roles": []}
        entry = self.entries[key]
        entry["roles"] += [role for role in roles if role not in entry["roles"]]
        return {"id": key, "name": org.name}

    def listed(self) -> list[dict]:
        return list(self.entries.values())


class _Builder:
    """Reads what a release needs once, then lays it out section by section."""

    def __init__(self, project):
        from procure.accounts.models import Division
        from procure.audit.models import AuditEntry
        from procure.catalogue.models import Catalogue
        from procure.delivery.models import MilestoneConfirmation
        from procure.documents import sources
        from procure.payments.models import Payment
        from procure.extensions import db
        from procure.procurement import panel
        from procure.procurement.models import Bid, Contract
    
        self.project, self.code, self.ocid = project, project.code, ocid(project)
        self.government = sources.government_of(project.community)
        self.dates = dict(db.session.execute(
            db.select(AuditEntry.action, db.func.max(AuditEntry.at))
            .where(AuditEntry.project_id == project.id, AuditEntry.action.in_(DATED_ACTIONS))
            .group_by(AuditEntry.action)).all())
        self.tender = panel.tender_of(project) if project.funding_form == "purchase" else None
        self.award_public = disclosure.award_public(self.tender)
        self.bids = list(db.session.scalars(
            db.select(Bid).where(Bid.project_id == project.id, Bid.status.in_(("submitted", "awarded")))
            .order_by(Bid.id))) if self.award_public else []
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
        self.contract = contract if disclosure.contract_public(contract) else None
        self.signed_contract = contract  # for its signed amount only (the agreement's award)
        self.implementer_public = disclosure.implementer_public(project)
        self.payments_public = disclosure.payments_public(project, contract)
        self.evaluator_public = disclosure.evaluator_public(project)
        self.accepted = disclosure.acceptance_public(project)
        self.kinds = set(disclosure.public_document_kinds(project))
        self.catalogue = (db.session.scalar(db.select(Catalogue).filter_by(year=project.catalogue_year))
                          if project.catalogue_year else None)
        milestone_ids = [m.id for m in self.contract.milestones] if self.contract else []
        self.confirmations = {c.milestone_id: c for c in db.session.scalars(
            db.select(MilestoneConfirmation).where(MilestoneConfirmation.milestone_id.in_(milestone_ids)))
        } if milestone_ids else {}
        self.payments = list(db.session.scalars(
            db.select(Payment).filter_by(project_id=project.id).order_by(Payment.paid_on, Payment.id)))
        orgs = [o for o in (project.community, self.government, project.implementer, project.evaluator_org,
                            *(b.provider for b in self.bids)) if o is not None]
        prefixes = {o.division_code[:6] for o in orgs}
        self.parties = _Parties(dict(db.session.execute(
            db.select(Division.code, Division.name).where(Division.code.in_(prefixes))).all()))

    # -- helpers -------------------------------------------------------------------------------------
    def document(self, kind, **extra) -> dict | None:
        if kind not in self.kinds:
            return None
        url = public_url("public.project_document", code=self.code, kind=kind)
        if url is None:
            return None
        document_type, title = DOCUMENTS[kind]
        return {"id": f"{self.code}-{kind}", "documentType": document_type, "title": title, "url": url,
                "format": "application/pdf", "language": LANGUAGE, **extra}

    @property
    def buyer(self) -> dict | None:
        return self.parties.add(self.government, "buyer", "procuringEntity")

    @property
    def winner(self):
        """The organisation that delivers: the contracted implementer, or the awarded bidder once the award
        notice has named it."""
        if self.implementer_public:
            return self.project.implementer
        awarded = next((b for b in self.bids if b.status == "awarded"), None)
        return awarded.provider if awarded is not None else None

    # -- sections ------------------------------------------------------------------------------------
    def release(self) -> dict:
        buyer = self.buyer
        self.parties.add(self.project.community, "interestedParty")
        content = {"language": LANGUAGE, "buyer": buyer, "planning": self.planning(), "tender": self.tender_section()}
        awards = self.awards()
        content["awards"] = awards
        content["contracts"] = self.contracts(awards[0]["id"] if awards else None)
        if self.evaluator_public:
            self.parties.add(self.project.evaluator_org, "reviewBody")
        content["parties"] = self.parties.listed()
        return {"parties": None, **content}  # parties first, as in the schema

    def planning(self) -> dict:
        project, year = self.project, self.project.catalogue_year
        documents = [self.document("proposal")]
        if self.catalogue is not None and self.catalogue.state in ("published", "in_force"):
            pdf = public_url("public.catalogue_pdf", year=year)
            url = pdf or public_url("public.catalogue", year=year)
            if url:
                documents.append({"id": f"catalogue-{year}", "documentType": "procurementPlan",
                                  "title": f"{year}年度政府购买服务目录", "url": url,
                                  "format": "application/pdf" if pdf else "text/html", "language": LANGUAGE})
        milestones = [
            {"id": "approval", "title": "审核通过，批准立项", "type": "approval", "status": "met",
             "dateMet": moment(self.dates.get("approve"))},
            {"id": "catalogue", "title": f"列入{year}年度政府购买服务目录", "type": "approval", "status": "met",
             "dateMet": moment(self.dates.get("list_in_catalogue"))},
        ]
        return {"rationale": project.needs_analysis,
                "budget": {"id": f"{self.code}-budget", "description": f"{year}年度政府购买服务目录预算",
                           "amount": money(project.approved_amount) if project.approved_amount is not None else None,
                           "project": project.title, "projectID": self.code},
                "documents": documents, "milestones": milestones}

    def tender_status(self) -> str:
        project = self.project
        if project.funding_form == "purchase":
            if project.state == "cancelled" and self.signed_contract is None:
                return "cancelled"
            if self.tender is None:
                return "planned"
            if self.award_public or self.signed_contract is not None:
                return "complete"
            return "active"
        if project.state == "cancelled" and self.signed_contract is None and project.funding_form == "subsidy":
            return "cancelled"
        if project.state == "cancelled" and project.funding_form == "reward":
            return "cancelled"
        done = self.signed_contract is not None if project.funding_form == "subsidy" else self.accepted
        return "complete" if done else "planned"

    def tender_section(self) -> dict:
        project, tender = self.project, self.tender
        section = {"id": f"{self.code}-tender", "title": project.title,
                   "description": (tender.requirements if tender is not None else None) or project.goals,
                   "status": self.tender_status(), "procuringEntity": self.parties.add(self.government),
                   "value": money(project.approved_amount) if project.approved_amount is not None else None,
                   "mainProcurementCategory": "services"}
        if project.funding_form != "purchase":
            section.update(procurementMethod="direct", procurementMethodDetails=FUNDING_DETAILS[project.funding_form])
            return section
        if tender is None or project.procurement_method is None:
            return section
        method = project.procurement_method
        section.update(procurementMethod=METHODS[method], procurementMethodDetails=METHOD_NAMES[method],
                       procurementMethodRationale=project.single_source_justification,
                       tenderPeriod={"startDate": moment(tender.published_at), "endDate": moment(project.bid_deadline)})
        if tender.criteria:
            parts = [f"价格 {tender.price_weight} 分"] + [f"{c.name} {c.max_points} 分" for c in tender.criteria]
            section.update(awardCriteria="ratedCriteria", awardCriteriaDetails="综合评分法：" + "，".join(parts))
        elif method != "single_source":
            section.update(awardCriteria="priceOnly", awardCriteriaDetails="最低价法：满足要求且报价最低者成交")
        if self.award_public:
            tenderers = [self.parties.add(b.provider, "tenderer") for b in self.bids]
            section.update(numberOfTenderers=len(tenderers), tenderers=tenderers)
        notice = public_url("public.project", code=self.code)
        if notice:
            section["documents"] = [{"id": f"{self.code}-tender-notice", "documentType": "tenderNotice",
                                     "title": "采购公告", "url": notice, "format": "text/html",
                                     "language": LANGUAGE, "datePublished": moment(tender.published_at)}]
        return section

    def awards(self) -> list[dict]:
        from procure.procurement.contracts import signed_amount

        project, form = self.project, self.project.funding_form
        winner = self.winner
        if winner is None:
            return []
        award = {"id": f"{self.code}-award", "title": project.title, "status": "active",
                 "suppliers": [self.parties.add(winner, "supplier")]}
        if form == "purchase":
            awarded = next((b for b in self.bids if b.status == "awarded"), None)
            if awarded is None and self.signed_contract is None:
                return []
            award.update(date=moment(project.awarded_at or self.tender.award_notice_at),
                         value=money(awarded.price) if awarded is not None else None,
                         documents=[self.document("award_notice", datePublished=moment(self.tender.award_notice_at))
                                    if self.tender is not None else None])
        elif form == "subsidy":
            if self.signed_contract is None:
                return []
            award.update(date=moment(self.signed_contract.signed_at),
                         value=money(signed_amount(self.signed_contract)))
        else:  # reward: claimed on completion, granted with the acceptance
            award.update(status="active" if self.accepted else "pending",
                         date=moment(self.dates.get("accept") if self.accepted else self.dates.get("claim_completion")),
                         value=money(project.approved_amount))
        if project.state == "cancelled" and self.signed_contract is None:
            award["status"] = "cancelled"
        return [award]

    def contracts(self, award_id) -> list[dict]:
        if award_id is None:
            return []
        if self.project.funding_form == "reward":
            return [self.reward(award_id)] if self.accepted else []
        contract = self.contract
        if contract is None:
            return []
        project = self.project
        title = "政府购买服务合同" if contract.kind == "contract" else "项目补贴协议"
        terminated = contract.terminated_at is not None or project.state == "closed"
        milestones = [{"id": f"milestone-{m.id}", "title": m.name, "type": "delivery", "dueDate": day(m.due),
                       "description": f"付款比例 {m.percent}%，对应金额 "
                                      f"{yuan((contract.amount * m.percent / 100).quantize(Decimal('0.01')))}"}
                      for m in contract.milestones]
        amendments = [{"id": f"{self.code}-amendment-{a.version}", "date": moment(a.amended_at),
                       "rationale": a.reason, "description": "；".join(
                           f"{TERM_NAMES.get(name, name)}：{old} → {new}" for name, (old, new) in a.changes.items())}
                      for a in contract.amendments]
        return [{"id": f"{self.code}-contract", "awardID": award_id, "title": title,
                 "description": contract.service_content, "status": "terminated" if terminated else "active",
                 "period": {"startDate": day(contract.start_date), "endDate": day(contract.end_date)},
                 "value": money(contract.amount),
                 "dateSigned": day(contract.signed_on) if contract.signed_on else moment(contract.signed_at),
                 "documents": [self.document("contract", datePublished=moment(contract.published_at))],
                 "milestones": milestones, "amendments": amendments,
                 "implementation": self.implementation(contract)}]

    def reward(self, award_id) -> dict:
        return {"id": f"{self.code}-reward", "awardID": award_id, "title": "项目奖励",
                "description": "社区自主实施，无书面合同；验收合格后按绩效评价等级发放奖励，金额以批准金额为上限",
                "status": "terminated" if self.project.state == "closed" else "active",
                "value": money(self.project.approved_amount), "implementation": self.implementation(None)}

    def implementation(self, contract) -> dict | None:
        delivering = self.project.state in DELIVERY_ON or (
            self.project.state == "cancelled" and contract is not None and contract.terminated_at is not None)
        if not delivering and not self.payments:
            return None
        milestones = []
        for m in contract.milestones if contract is not None else []:
            confirmation = self.confirmations.get(m.id)
            status = CONFIRMATION_STATUS[confirmation.result] if confirmation else "scheduled"
            milestones.append({"id": f"milestone-{m.id}", "title": m.name, "type": "delivery", "dueDate": day(m.due),
                               "status": status,
                               "dateMet": moment(confirmation.confirmed_at) if status in ("met", "partiallyMet")
                               else None,
                               "dateModified": moment(confirmation.confirmed_at) if confirmation else None})
        transactions = []
        if self.payments and self.payments_public:
            payer = self.parties.add(self.government, "payer")
            payee = self.parties.add(self.project.implementer, "payee") if self.implementer_public else None
            transactions = [{"id": f"payment-{p.id}", "date": day(p.paid_on), "value": money(p.amount),
                             "payer": payer, "payee": payee} for p in self.payments]
        return {"transactions": transactions, "milestones": milestones,
                "documents": [self.document("acceptance_certificate", datePublished=moment(self.dates.get("accept"))),
                              self.document("evaluation_report")]}


# ---- tags --------------------------------------------------------------------------------------------

def _begun(tender: dict | None) -> bool:
    return bool(tender) and tender.get("status") not in ("planning", "planned")


def _without_implementation(contracts: list) -> list:
    return [{key: value for key, value in c.items() if key != "implementation"} for c in contracts]


def tags_for(previous: dict | None, current: dict) -> list[str]:
    """The release tags for going from `previous` (the last release, or None) to `current`: one tag per
    section that appeared or changed (releaseTag codelist)."""
    before, now = comparable(previous or {}), comparable(current)
    tags = []
    if not before.get("planning"):
        tags.append("planning")
    elif before.get("planning") != now.get("planning"):
        tags.append("planningUpdate")

    old_tender, tender = before.get("tender"), now.get("tender")
    if tender and tender.get("status") == "cancelled" and (old_tender or {}).get("status") != "cancelled":
        tags.append("tenderCancellation")
    elif _begun(tender) and not _begun(old_tender):
        tags.append("tender")
    elif tender != old_tender and (old_tender or _begun(tender)):
        tags.append("tenderUpdate" if _begun(tender) else "planningUpdate")

    old_awards, awards = before.get("awards", []), now.get("awards", [])
    if awards and not old_awards:
        tags.append("award")
    elif awards != old_awards:
        cancelled = {a["id"] for a in awards if a.get("status") == "cancelled"}
        was = {a["id"] for a in old_awards if a.get("status") == "cancelled"}
        tags.append("awardCancellation" if cancelled - was else "awardUpdate")

    old_contracts, contracts = before.get("contracts", []), now.get("contracts", [])
    if contracts and not old_contracts:
        tags.append("contract")
    elif _without_implementation(contracts) != _without_implementation(old_contracts):
        old = {c["id"]: c for c in old_contracts}
        kinds = []
        for c in contracts:
            earlier = old.get(c["id"], {})
            if len(c.get("amendments", [])) > len(earlier.get("amendments", [])):
                kinds.append("contractAmendment")
            if c.get("status") == "terminated" and earlier.get("status") != "terminated":
                kinds.append("contractTermination")
        tags += kinds or ["contractUpdate"]

    old_work = [c.get("implementation") for c in old_contracts if c.get("implementation")]
    work = [c.get("implementation") for c in contracts if c.get("implementation")]
    if work and not old_work:
        tags.append("implementation")
    elif work != old_work:
        tags.append("implementationUpdate")

    tags = [t for i, t in enumerate(tags) if t not in tags[:i]]
    if not tags:  # only the parties changed: an update of the furthest section there is
        tags = ["implementationUpdate" if work else "contractUpdate" if contracts else "awardUpdate" if awards
                else "tenderUpdate" if _begun(tender) else "planningUpdate"]
    return tags
