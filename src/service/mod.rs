//! Commands and queries over the store, for an [`Actor`]: access control by role and
//! township, the rules of `domain` applied, and the store's change sequence in every reply.
//! Fronts (the TUI, the CLI, the socket server) reach it through a [`Backend`].

pub mod actor;
pub mod bootstrap;
pub mod client;
mod exits;
mod export;
pub mod export_file;
pub mod export_pages;
mod leads;
mod ledger;
pub mod protocol;
mod queue;
mod queue_index;
mod recognition;
mod stats;
pub mod stats_people;
pub mod stats_report;
pub mod stats_workbook;
mod supervise;
mod supervise_audit;
mod supervise_pay;
pub mod supervise_report;

pub use actor::{Actor, Role};
pub use bootstrap::{OpenError, StoreConfig};
pub use client::Client;
pub use export::{EXPORT_PAGE_MAX, EXPORT_SCAN_MAX};
pub use protocol::*;
pub use recognition::HELD_ELSEWHERE;

use crate::domain::followup_form::FormContext;
use crate::domain::id_number::age_on;
use crate::domain::{CaseSummary, Person, PersonId, RecognitionStatus, Settings};
use crate::store::{Stamp, Store, StoreError};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time (UTC+8, no daylight saving), whatever the server's zone.
pub fn cst() -> FixedOffset {
    #[allow(clippy::expect_used)] // a constant offset well inside ±24 h
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn now_cst() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&cst())
}

/// The date rules are computed against: fixed by `--today`/`YUANZHU_TODAY`, else the clock.
#[derive(Clone, Copy, Debug)]
pub enum Today {
    Fixed(NaiveDate),
    Clock,
}

impl Today {
    pub fn date(self) -> NaiveDate {
        match self {
            Today::Fixed(d) => d,
            Today::Clock => now_cst().date_naive(),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => ServiceError::Conflict(e.to_string()),
            StoreError::NotFound(what) => ServiceError::NotFound(what),
            StoreError::Anchor(why) => ServiceError::Store(why),
            other => ServiceError::Store(other.to_string()),
        }
    }
}

pub struct Service {
    store: StoreSlot,
    today: Today,
    settings: Settings,
    /// Writes hold it shared; a backup holds it alone, so the copy is of one moment.
    gate: std::sync::RwLock<()>,
    /// Rows of lists sent in parts (a request frame holds about 1 MiB), per account, until
    /// the last part comes.
    list_parts: std::sync::Mutex<std::collections::HashMap<String, leads::PendingList>>,
}

type Result<T> = std::result::Result<T, ServiceError>;

impl Service {
    /// The service over `store`. An audit anchor found missing or disagreeing holds the
    /// store read-only from the start (see `Store::check_anchor`).
    pub fn new(store: Store, today: Today, settings: Settings) -> Self {
        let _ = store.check_anchor();
        let service = Self {
            store: StoreSlot::new(store),
            today,
            settings,
            gate: std::sync::RwLock::new(()),
            list_parts: std::sync::Mutex::default(),
        };
        // A failure here is met again, and reported, by the first 退出审核 request.
        if let Err(e) = service.prepare_exit_index() {
            eprintln!("退出审核索引未能建立：{e}");
        }
        // Built before the first write, so that a month closing from then on keeps the
        // figures it closed with; a failure is met again by the first 统计 request.
        if let Err(e) = service.prepare_stats_index() {
            eprintln!("统计索引未能建立：{e}");
        }
        if let Err(e) = service.prepare_supervise_index() {
            eprintln!("监督索引未能建立：{e}");
        }
        service
    }

    /// A request from the OS user `user`: their account is looked up afresh each time, so
    /// an account disabled a moment ago is refused at once.
    pub fn handle_as(&self, user: &str, request: Request) -> Result<Reply> {
        match self.actor_for(user) {
            Ok(actor) => self.handle(&actor, request),
            Err(e) => {
                if let ServiceError::Denied(why) = &e {
                    let stamp = Stamp {
                        actor: user.to_string(),
                        at: now_cst(),
                    };
                    let target = format!("{}：{why}", request.label());
                    if let Ok(store) = self.db() {
                        let _ = store.record_refusal(&stamp, target, None);
                    }
                }
                Err(e)
            }
        }
    }

    /// The store, for the crate's own in-process tools (the server's shutdown, its
    /// limits); an error while it is closed after an I/O failure and cannot be opened
    /// again yet. Fronts go through requests, never through this.
    pub(crate) fn store(&self) -> Result<std::sync::Arc<Store>> {
        self.db()
    }

    /// [`Service::store`] for the integration tests and examples, which look at what a
    /// request wrote. Not an API: a front that used it would bypass access control.
    #[doc(hidden)]
    pub fn store_for_tests(&self) -> Result<std::sync::Arc<Store>> {
        self.db()
    }

    fn db(&self) -> Result<std::sync::Arc<Store>> {
        self.store.get()
    }

    /// Answers `request` for `actor`. A refusal is also an audit entry (第(十四)条).
    pub fn handle(&self, actor: &Actor, request: Request) -> Result<Reply> {
        let label = request.label();
        let concerns = match &request {
            Request::RevealId { person } => Some(person.to_key()),
            Request::FollowUpForm { case }
            | Request::SaveFollowUp { case, .. }
            | Request::SaveDraft { case, .. }
            | Request::CaseStep { case, .. }
            | Request::ChangeCategory { case, .. }
            | Request::ProposeExit { case, .. }
            | Request::DecideExit { case, .. } => Some(case.to_key()),
            Request::Register { draft } => self.registration_concerns(draft),
            _ => None,
        };
        let store = self.store.get_for(request.writes())?;
        if request.writes()
            && !matches!(request, Request::ReAnchor { .. })
            && let Some(fault) = store.anchor_fault()
        {
            // Short enough for the status line at 80 columns; `audit verify` gives the detail.
            let what = fault.split(['（', '：']).next().unwrap_or(&fault);
            return Err(ServiceError::Store(format!(
                "数据库只读（{what}），请管理员核实后运行 yuanzhu audit re-anchor"
            )));
        }
        let result = if request == Request::Backup {
            let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
            self.dispatch(actor, request)
        } else if request.writes() {
            let _shared = self.gate.read().unwrap_or_else(|p| p.into_inner());
            self.dispatch(actor, request)
        } else {
            self.dispatch(actor, request)
        };
        if let Err(ServiceError::Store(why)) = &result {
            self.store.probe(why);
        }
        if let Err(ServiceError::Denied(why) | ServiceError::Refused(why)) = &result {
            let target = format!("{label}：{why}");
            if let Ok(store) = self.db() {
                let _ = store.record_refusal(&stamp(actor), target, concerns);
            }
        }
        result
    }

    fn dispatch(&self, actor: &Actor, request: Request) -> Result<Reply> {
        let today = self.today.date();
        let body = match request {
            Request::Overview => Response::Overview(self.overview(actor, today)?),
            Request::QueuePage(query) => {
                Response::QueuePage(self.queue_page(actor, today, &query)?)
            }
            Request::QueueChanges {
                since,
                slice,
                search,
            } => Response::QueueChanges(self.queue_changes(actor, today, since, slice, &search)?),
            Request::Household { household } => {
                Response::Household(self.household(actor, household, today)?)
            }
            Request::FollowUpForm { case } => {
                Response::FollowUpForm(self.form(actor, case, today)?)
            }
            Request::SaveFollowUp { case, rev, draft } => {
                Response::Saved(self.save_followup(actor, case, rev, &draft, today)?)
            }
            Request::SaveDraft { case, draft } => {
                self.covered_summary(actor, case)?;
                self.db()?.put_draft(&actor.user, case, &draft)?;
                Response::Done
            }
            Request::DiscardDraft { case } => {
                self.db()?.delete_draft(&actor.user, case)?;
                Response::Done
            }
            Request::RevealId { person } => {
                let (p, _) = self.covered_person(actor, person)?;
                let target = format!("{} {}", p.name, p.id_number.masked());
                self.db()?.record_access(
                    &stamp(actor),
                    crate::domain::audit_action::REVEAL_ID,
                    target,
                    person.to_key(),
                )?;
                Response::IdNumber {
                    person,
                    id_number: p.id_number.as_str().to_string(),
                }
            }
            Request::ListUsers => {
                require_admin(actor)?;
                Response::Users(self.users()?)
            }
            Request::AddUser {
                name,
                role,
                township,
            } => {
                require_admin(actor)?;
                self.add_user(actor, &name, role, township.as_deref())?;
                Response::Done
            }
            Request::DisableUser { name } => {
                require_admin(actor)?;
                self.disable_user(actor, &name)?;
                Response::Done
            }
            Request::Ping => Response::Done,
            Request::AuditVerify => {
                require_reviewer(actor)?;
                let v = self.db()?.verify_audit()?;
                Response::AuditCheck(AuditCheck {
                    entries: v.entries,
                    head: hex(&v.head.hash),
                    problem: v.problem,
                    warnings: v.warnings,
                })
            }
            Request::Check => {
                require_admin(actor)?;
                Response::Checked(self.check(&mut ())?)
            }
            Request::ReAnchor { reason } => {
                require_admin(actor)?;
                let reason = crate::domain::text::clean_line(&reason, 200);
                if reason.is_empty() {
                    return Err(ServiceError::Refused(
                        "请用 --reason 说明为何重新确立锚点（如何核实了审计链）".into(),
                    ));
                }
                self.db()?.re_anchor(&stamp(actor), &reason)?;
                Response::Done
            }
            Request::AuditShow { id_number } => {
                require_reviewer(actor)?;
                Response::AuditLog(self.audit_log(id_number.as_deref())?)
            }
            Request::Register { draft } => {
                Response::Registered(self.register(actor, &draft, today)?)
            }
            Request::SaveIntakeDraft { draft } => {
                self.db()?.put_intake_draft(&actor.user, &draft)?;
                Response::Done
            }
            Request::IntakeDraft => Response::IntakeDraft(self.db()?.intake_draft(&actor.user)?),
            Request::DiscardIntakeDraft => {
                self.db()?.delete_intake_draft(&actor.user)?;
                Response::Done
            }
            Request::CaseReview { case } => Response::CaseReview(self.review(actor, case, today)?),
            Request::CaseStep { case, rev, step } => {
                let (rev, status) = self.step(actor, case, rev, step, today)?;
                Response::Stepped { case, rev, status }
            }
            Request::ChangeCategory { case, rev, change } => {
                let (rev, status) = self.change_category(actor, case, rev, &change, today)?;
                Response::Stepped { case, rev, status }
            }
            Request::Notices { township } => {
                Response::Notices(self.notices(actor, township.as_deref(), today)?)
            }
            Request::ZeroEmployment => {
                Response::ZeroEmployment(self.zero_employment(actor, today)?)
            }
            Request::Exits { from, count } => {
                let count = count.min(EXIT_WINDOW_MAX);
                Response::Exits(self.exits(actor, today, from, count)?)
            }
            Request::ExitStats => Response::ExitStats(self.exit_stats(actor, today)?),
            Request::ImportList(import) => {
                Response::ListImported(self.import_list(actor, import, today)?)
            }
            Request::LeadStats => Response::LeadStats(self.lead_stats(actor, today)?),
            Request::Stats { month, township } => Response::Stats(Box::new(self.stats(
                actor,
                month,
                township.as_deref(),
                today,
            )?)),
            Request::Supervise {
                month,
                after,
                limit,
            } => Response::Supervise(self.supervise(actor, month, after.as_deref(), limit)?),
            Request::DisposeFinding {
                key,
                rev,
                verdict,
                note,
            } => Response::Disposed(self.dispose_finding(actor, &key, rev, verdict, &note, today)?),
            Request::StatsPeople {
                month,
                township,
                measure,
                after,
                limit,
            } => Response::StatsPeople(self.stats_people(
                actor,
                month,
                township.as_ref(),
                measure,
                after.as_deref(),
                limit,
                today,
            )?),
            Request::Export {
                kind,
                month,
                after,
                limit,
                unmasked,
                file,
            } => Response::ExportPage(self.export(
                actor,
                &export::ExportQuery {
                    kind,
                    month,
                    after: after.as_deref(),
                    limit,
                    unmasked,
                    file: &file,
                },
                today,
            )?),
            Request::Leads => Response::Leads(self.leads(actor, today)?),
            Request::DisposeLead {
                lead,
                rev,
                disposition,
                on,
                note,
            } => Response::Lead(self.dispose_lead(
                actor,
                lead,
                rev,
                disposition,
                on,
                &note,
                today,
            )?),
            Request::Ledger { person } => Response::Ledger(self.ledger(actor, person, today)?),
            Request::AddLedgerEntry { person, rev, entry } => {
                Response::Ledger(self.add_entry(actor, person, rev, &entry, None, today)?)
            }
            Request::AddPayment {
                person,
                rev,
                policy,
                entry,
            } => {
                Response::Ledger(self.add_entry(actor, person, rev, &entry, Some(policy), today)?)
            }
            Request::ProposeExit {
                case,
                rev,
                reason,
                evidence,
            } => {
                self.propose_exit(actor, case, rev, reason, &evidence, today)?;
                Response::Done
            }
            Request::DecideExit {
                case,
                rev,
                approve,
                note,
            } => {
                self.decide_exit(actor, case, rev, approve, &note, today)?;
                Response::Done
            }
            Request::Backup => {
                if actor.role != Role::Admin {
                    return Err(ServiceError::Denied("只有管理员可以备份".into()));
                }
                let dest = backup_dir(self.db()?.dir())
                    .join(now_cst().format("%Y%m%d-%H%M%S").to_string());
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        ServiceError::Store(format!(
                            "无法建立备份目录 {}：{}",
                            parent.display(),
                            crate::store::io_message(&e)
                        ))
                    })?;
                }
                let entries = self.db()?.backup_to(&dest)?;
                self.db()?.record_access(
                    &stamp(actor),
                    "备份",
                    dest.display().to_string(),
                    [0; 8],
                )?;
                Response::BackedUp {
                    path: dest.display().to_string(),
                    entries,
                }
            }
        };
        Ok(Reply {
            seq: self.db()?.data_seq()?,
            body,
        })
    }

    /// The actor for an OS user: their account, if it exists and is not disabled.
    pub fn actor_for(&self, user: &str) -> Result<Actor> {
        match self.db()?.account(user)? {
            None => Err(ServiceError::Denied(format!(
                "系统用户 {user} 没有援助账户，请管理员运行 yuanzhu user add {user} --role …"
            ))),
            Some(a) if a.disabled => Err(ServiceError::Denied(format!("账户 {user} 已停用"))),
            Some(a) => Ok(Actor {
                user: a.name,
                role: a.role,
                township: a.township,
            }),
        }
    }

    /// The audit entries that touch one person (their record, their cases), or all.
    fn audit_log(&self, id_number: Option<&str>) -> Result<Vec<AuditLine>> {
        let keys: Option<Vec<[u8; 8]>> = match id_number {
            Some(id) => {
                let id = crate::domain::IdNumber::parse(id)
                    .map_err(|e| ServiceError::NotFound(format!("身份证号有误：{e}")))?;
                let pid = self
                    .db()?
                    .person_by_id_number(id.as_str())?
                    .ok_or_else(|| {
                        ServiceError::NotFound(format!("身份证号为 {} 的人员", id.masked()))
                    })?;
                let mut keys = vec![pid.to_key()];
                keys.extend(
                    self.db()?
                        .summaries()?
                        .iter()
                        .filter(|s| s.person == pid)
                        .map(|s| s.case.to_key()),
                );
                Some(keys)
            }
            None => None,
        };
        Ok(self
            .db()?
            .audit_entries(1)?
            .into_iter()
            .filter(|e| {
                keys.as_ref().is_none_or(|keys| {
                    e.changes
                        .iter()
                        .any(|c| keys.iter().any(|k| c.key.starts_with(k)))
                })
            })
            .map(|e| AuditLine {
                seq: e.seq,
                at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                actor: e.actor,
                action: e.action,
                target: e.target,
            })
            .collect())
    }

    fn users(&self) -> Result<Vec<UserRow>> {
        let county = self.db()?.county()?;
        Ok(self
            .db()?
            .accounts()?
            .into_iter()
            .map(|a| UserRow {
                township: a.township.as_ref().map(|t| {
                    county
                        .as_ref()
                        .map(|c| c.township_name(t).to_string())
                        .unwrap_or_else(|| t.to_string())
                }),
                name: a.name,
                role: a.role,
                disabled: a.disabled,
            })
            .collect())
    }

    fn add_user(
        &self,
        actor: &Actor,
        name: &str,
        role: Role,
        township: Option<&str>,
    ) -> Result<()> {
        crate::domain::account::check_account_name(name)
            .map_err(|m| ServiceError::Denied(m.to_string()))?;
        let county = self
            .db()?
            .county()?
            .ok_or_else(|| ServiceError::NotFound("县区信息".into()))?;
        let township = match (role, township) {
            (Role::TownshipCaseworker, None) => {
                return Err(ServiceError::Denied(
                    "乡镇经办账户需要用 --township 指定乡镇".into(),
                ));
            }
            (_, None) => None,
            (_, Some(t)) => Some(
                county
                    .townships
                    .iter()
                    .find(|x| x.code.0 == t || x.name == t)
                    .map(|x| x.code.clone())
                    .ok_or_else(|| ServiceError::NotFound(format!("乡镇“{t}”")))?,
            ),
        };
        if self.db()?.account(name)?.is_some() {
            return Err(ServiceError::Conflict(format!("账户 {name} 已存在")));
        }
        let account = crate::domain::Account {
            name: name.to_string(),
            rev: 0,
            role,
            township,
            disabled: false,
        };
        self.db()?
            .put_accounts(&[(account, None)], &stamp(actor), "添加账户")?;
        Ok(())
    }

    fn disable_user(&self, actor: &Actor, name: &str) -> Result<()> {
        let mut account = self
            .db()?
            .account(name)?
            .ok_or_else(|| ServiceError::NotFound(format!("账户 {name}")))?;
        let rev = account.rev;
        account.disabled = true;
        self.db()?
            .put_accounts(&[(account, Some(rev))], &stamp(actor), "停用账户")?;
        Ok(())
    }

    fn overview(&self, actor: &Actor, today: NaiveDate) -> Result<Overview> {
        let county = self
            .db()?
            .county()?
            .ok_or_else(|| ServiceError::NotFound("县区信息（数据库尚未初始化）".into()))?;
        Ok(Overview {
            county: county.name.clone(),
            user: actor.user.clone(),
            role: actor.role.label().to_string(),
            township: actor
                .township
                .as_ref()
                .map(|t| county.township_name(t).to_string()),
            today,
            settings: self.settings.clone(),
            drafts: self.db()?.drafts_waiting(&actor.user)?,
        })
    }

    /// The person, refused when of another township, and their case's summary if any.
    pub(super) fn covered_person(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> Result<(Person, Option<CaseSummary>)> {
        let p = self
            .db()?
            .person(person)?
            .ok_or_else(|| ServiceError::NotFound(format!("人员 {person}")))?;
        let household = self
            .db()?
            .household(p.household)?
            .ok_or_else(|| ServiceError::NotFound(format!("家庭 {}", p.household)))?;
        if !actor.covers(&household.township) {
            return Err(ServiceError::Denied("该人员不属于您所在的乡镇".into()));
        }
        let mut summary = None;
        for case in self.db()?.household_cases(p.household)? {
            if let Some(s) = self.db()?.summary(case)?.filter(|s| s.person == person) {
                summary = Some(s);
            }
        }
        Ok((p, summary))
    }

    /// The summary of a case the actor covers; a case of another township is refused.
    fn covered_summary(&self, actor: &Actor, case: crate::domain::CaseId) -> Result<CaseSummary> {
        let summary = self
            .db()?
            .summary(case)?
            .ok_or_else(|| ServiceError::NotFound(format!("案件 {case}")))?;
        if !actor.covers(&summary.township) {
            return Err(ServiceError::Denied("该案件不属于您所在的乡镇".into()));
        }
        Ok(summary)
    }

    fn household(
        &self,
        actor: &Actor,
        id: crate::domain::HouseholdId,
        today: NaiveDate,
    ) -> Result<HouseholdView> {
        let household = self
            .db()?
            .household(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("家庭 {id}")))?;
        if !actor.covers(&household.township) {
            return Err(ServiceError::Denied("该家庭不属于您所在的乡镇".into()));
        }
        let county = self.db()?.county()?;
        let township_name = county
            .as_ref()
            .map(|c| c.township_name(&household.township).to_string())
            .unwrap_or_default();
        let mut summaries = Vec::new();
        for case in self.db()?.household_cases(id)? {
            if let Some(s) = self.db()?.summary(case)? {
                summaries.push(s);
            }
        }
        let mut members = Vec::new();
        let mut timeline = Vec::new();
        for pid in &household.members {
            let Some(p) = self.db()?.person(*pid)? else {
                continue;
            };
            let summary = summaries.iter().find(|s| s.person == p.id);
            let mut categories = p.recorded_categories();
            if let Some(s) = summary {
                categories = s.categories(today, &self.settings);
            } else if household.zero_employment_on_file() && p.is_working_age(today) {
                categories.push(crate::domain::Category::ZeroEmploymentMember);
            }
            let case = match summary {
                Some(s) => {
                    if let Some(c) = self.db()?.case(s.case)? {
                        for e in &c.events {
                            timeline.push(TimelineEntry {
                                date: e.date,
                                who: p.name.clone(),
                                what: e.kind.describe(),
                            });
                        }
                    }
                    for f in self.db()?.followups(s.case)? {
                        let a = &f.answers;
                        let mut what = match a.outcome {
                            crate::domain::followup::ContactOutcome::Reached => {
                                format!("{}回访：{}", a.method.label(), a.work_status.label())
                            }
                            other => format!("{}回访：{}", a.method.label(), other.label()),
                        };
                        if let Some(e) = &a.employment {
                            what.push_str(&format!("，{}，月薪{}元", e.employer, e.monthly_wage));
                        }
                        if !a.plan.is_empty() {
                            what.push_str(&format!("；{}", a.plan));
                        }
                        timeline.push(TimelineEntry {
                            date: a.date,
                            who: p.name.clone(),
                            what,
                        });
                    }
                    Some(MemberCase {
                        case: s.case,
                        status: s.status,
                        tier: s.tier,
                        recognised_on: s.recognised_on,
                        due: s.due(today, &self.settings),
                    })
                }
                None => None,
            };
            members.push(MemberView {
                person: p.id,
                age: age_on(p.birth_date(), today),
                sex: p.id_number.sex(),
                id_masked: p.id_number.masked(),
                name: p.name,
                relation: p.relation,
                labour: p.labour,
                work_status: p.work_status,
                categories,
                case,
            });
        }
        for e in &household.events {
            timeline.push(TimelineEntry {
                date: e.date,
                who: "全户".into(),
                what: e.kind.describe(),
            });
        }
        timeline.sort_by_key(|e| std::cmp::Reverse(e.date));
        let zero_since = household
            .zero_employment_on_file()
            .then(|| household.events.last().map(|e| e.date))
            .flatten();
        Ok(HouseholdView {
            household: household.id,
            township_name,
            village: household.village.clone(),
            address: household.address.clone(),
            zero_employment: household.zero_employment_on_file(),
            zero_since,
            members,
            timeline,
        })
    }

    fn form(
        &self,
        actor: &Actor,
        case: crate::domain::CaseId,
        today: NaiveDate,
    ) -> Result<FormView> {
        let s = self.covered_summary(actor, case)?;
        if s.status != RecognitionStatus::Recognised {
            return Err(ServiceError::Denied(format!(
                "该案件为“{}”状态，认定后才能回访",
                s.status.label()
            )));
        }
        let county = self.db()?.county()?;
        let last = self.db()?.followups(case)?.pop();
        Ok(FormView {
            case,
            rev: s.rev,
            household: s.household,
            name: s.name.clone(),
            id_masked: s.id_number.masked(),
            township_name: county
                .as_ref()
                .map(|c| c.township_name(&s.township).to_string())
                .unwrap_or_default(),
            tier: s.tier,
            recognised_on: s.recognised_on,
            due: s.due(today, &self.settings),
            last_by: last.as_ref().map(|f| f.recorded_by.clone()),
            last: last.map(|f| f.answers),
            draft: self.db()?.draft(&actor.user, case)?,
            tier_facts: self.tier_facts(&s, today)?,
            today,
        })
    }

    fn save_followup(
        &self,
        actor: &Actor,
        case: crate::domain::CaseId,
        rev: u64,
        draft: &crate::domain::followup_form::FollowUpDraft,
        today: NaiveDate,
    ) -> Result<Saved> {
        let s = self.covered_summary(actor, case)?;
        if s.status != RecognitionStatus::Recognised {
            return Err(ServiceError::Denied("认定后才能回访".into()));
        }
        let ctx = FormContext {
            today,
            recognised_on: s.recognised_on,
            tier: s.tier,
            late_entry_days: self.settings.late_entry_days,
        };
        let answers = draft.validate(&ctx).map_err(ServiceError::invalid)?;
        let stamp = Stamp {
            actor: actor.user.clone(),
            at: now_cst(),
        };
        let date = answers.date;
        let saved = self
            .db()?
            .save_followup(&stamp, &actor.user, case, rev, answers, today)?;
        Ok(Saved {
            case,
            rev: saved.summary.rev,
            date,
            zero_employment: saved.zero_employment,
        })
    }
}

impl Service {
    /// `check` with its progress shown (offline, on a terminal); the caller has made sure
    /// the actor may run it.
    pub fn check(&self, progress: &mut dyn crate::store::check::Progress) -> Result<CheckView> {
        let r = self.db()?.check_on(progress, self.today.date())?;
        let (entries, head) = r
            .chain
            .as_ref()
            .map(|v| (v.entries, hex(&v.head.hash)))
            .unwrap_or_default();
        Ok(CheckView {
            counts: r.counts,
            entries,
            head,
            problems: r.problems,
            unlisted: r.unlisted,
            warnings: r.warnings,
        })
    }
}

/// Cuts `rows` — in key order, at most `limit + 1` of them after the previous page's key —
/// to one page, and gives the key to ask `after` for the next (`None` on the last page).
pub(super) fn cut_page<T>(
    rows: &mut Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> &str,
) -> Option<String> {
    let more = rows.len() > limit;
    rows.truncate(limit);
    if more {
        rows.last().map(|r| key(r).to_string())
    } else {
        None
    }
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The store behind a handle that can be swapped. sled's I/O error (a full disk, a failing
/// device) is sticky: once one write fails, every later write fails until the database is
/// opened again — and opening it needs room on the disk. So when a request fails and the
/// store no longer even flushes, the slot marks it broken: writes are refused at once with
/// the reason, reads go on against it, and once the disk has room again (checked at most
/// once a second) the slot lets go of it and opens it anew (the open guard's copy-aside
/// applies), so saves work again without a restart.
struct StoreSlot {
    current: std::sync::RwLock<Option<std::sync::Arc<Store>>>,
    dir: std::path::PathBuf,
    config: crate::store::StoreConfig,
    state: std::sync::Mutex<SlotState>,
    /// Set while `state.broken` is: the sound path reads this, not the mutex.
    broken: std::sync::atomic::AtomicBool,
}

#[derive(Default)]
struct SlotState {
    /// Why the store is broken or closed, since when a reopen was last tried.
    broken: Option<(String, std::time::Instant)>,
}

const REOPEN_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Free space below which opening the store is not tried: sled writes on open.
const ROOM_TO_OPEN: u64 = 8 * 1024 * 1024;

impl StoreSlot {
    fn new(store: Store) -> Self {
        Self {
            dir: store.dir().to_path_buf(),
            config: store.config(),
            current: std::sync::RwLock::new(Some(std::sync::Arc::new(store))),
            state: std::sync::Mutex::new(SlotState::default()),
            broken: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The store for a request; `writes` says whether the request would write, which a
    /// broken store refuses at once.
    fn get_for(&self, writes: bool) -> Result<std::sync::Arc<Store>> {
        // Every store call of every request comes here: the sound case takes no mutex.
        if !self.broken.load(std::sync::atomic::Ordering::Acquire) {
            let current = self.current.read().unwrap_or_else(|p| p.into_inner());
            if let Some(store) = current.as_ref() {
                return Ok(std::sync::Arc::clone(store));
            }
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((why, at)) = state.broken.clone() {
            if at.elapsed() >= REOPEN_EVERY && self.room_to_open() {
                state.broken = Some((why.clone(), std::time::Instant::now()));
                match self.reopen() {
                    Ok(store) => {
                        state.broken = None;
                        self.broken
                            .store(false, std::sync::atomic::Ordering::Release);
                        return Ok(store);
                    }
                    Err(e) => state.broken = Some((e, std::time::Instant::now())),
                }
            }
            let current = self.current.read().unwrap_or_else(|p| p.into_inner());
            return match current.as_ref() {
                Some(store) if !writes => Ok(std::sync::Arc::clone(store)),
                _ => Err(ServiceError::Store(
                    state.broken.as_ref().map(|(w, _)| w.clone()).unwrap_or(why),
                )),
            };
        }
        drop(state);
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        match current.as_ref() {
            Some(store) => Ok(std::sync::Arc::clone(store)),
            None => Err(ServiceError::Store("数据库未打开，请联系管理员".into())),
        }
    }

    fn get(&self) -> Result<std::sync::Arc<Store>> {
        self.get_for(false)
    }

    /// Lets go of the broken store and opens it again. Requests still holding the old one
    /// keep sled's lock for a moment; `Store::open` waits for it briefly.
    fn reopen(&self) -> std::result::Result<std::sync::Arc<Store>, String> {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        *current = None;
        match Store::open(&self.dir, self.config) {
            Ok(store) => {
                let _ = store.check_anchor();
                let store = std::sync::Arc::new(store);
                *current = Some(std::sync::Arc::clone(&store));
                eprintln!("数据库已重新打开：{}", self.dir.display());
                Ok(store)
            }
            Err(e) => Err(format!("数据库暂时无法使用（{e}），请稍后再试或联系管理员")),
        }
    }

    fn room_to_open(&self) -> bool {
        nix::sys::statvfs::statvfs(&self.dir)
            .is_ok_and(|v| v.blocks_available().saturating_mul(v.fragment_size()) >= ROOM_TO_OPEN)
    }

    /// After a request failed with `why`: if the store cannot even flush, it is broken.
    fn probe(&self, why: &str) {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        let broken = current.as_ref().is_some_and(|s| s.flush().is_err());
        drop(current);
        if broken {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.broken.is_none() {
                eprintln!(
                    "数据库写入失败（{why}）；磁盘有空间后将重新打开：{}",
                    self.dir.display()
                );
                state.broken = Some((why.to_string(), std::time::Instant::now()));
                self.broken
                    .store(true, std::sync::atomic::Ordering::Release);
            }
        }
    }
}

/// Where backups of the store at `dir` go: beside it, `<name>-backups/`.
pub fn backup_dir(dir: &std::path::Path) -> std::path::PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push("-backups");
    dir.with_file_name(name)
}

fn require_reviewer(actor: &Actor) -> Result<()> {
    match actor.role {
        Role::CountyReviewer | Role::Admin => Ok(()),
        Role::TownshipCaseworker => Err(ServiceError::Denied(
            "审计记录只有县级审核和管理员可以查看".into(),
        )),
    }
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Denied("只有管理员可以管理账户".into()))
    }
}

fn stamp(actor: &Actor) -> Stamp {
    Stamp {
        actor: actor.user.clone(),
        at: now_cst(),
    }
}

/// How a front reaches the service: in-process ([`LocalBackend`]) or through the server
/// (`remote::SocketBackend`). `Send`, so the terminal can answer its requests on a thread
/// of their own.
pub trait Backend: Send {
    fn call(&mut self, request: Request) -> Result<Reply>;

    /// Whether other sessions write to the same store (a server), so it is worth asking
    /// now and then whether anything changed.
    fn shared(&self) -> bool {
        false
    }
}

/// The embedded default for one terminal: the service in this process.
pub struct LocalBackend {
    service: Service,
    actor: Actor,
}

impl LocalBackend {
    pub fn new(service: Service, actor: Actor) -> Self {
        Self { service, actor }
    }
}

impl Backend for LocalBackend {
    fn call(&mut self, request: Request) -> Result<Reply> {
        self.service.handle(&self.actor, request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_reaches_the_front_in_chinese_not_as_debug_text() {
        let sticky = sled::Error::Io(std::io::Error::from_raw_os_error(28)).clone();
        let e = ServiceError::from(StoreError::Sled(sticky));
        assert!(matches!(e, ServiceError::Store(_)), "{e:?}");
        assert_eq!(e.to_string(), crate::store::DISK_FULL);
        let e = ServiceError::from(StoreError::Io(std::io::Error::from_raw_os_error(13)));
        assert!(e.to_string().contains("无权读写"), "{e}");
    }
}
