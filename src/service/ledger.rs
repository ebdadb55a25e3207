//! 援助台账 (R-LEDGER-1): a person's posts, policies and dibao linkage, read and added to
//! by the caseworkers who cover them.

use super::{Actor, LedgerView, Result, Role, Service, ServiceError, stamp};
use crate::domain::PersonId;
use crate::domain::ledger::{EntryContext, EntryKind, LedgerDraft, Paying, check_entry};
use crate::domain::post::{holder_annual_income, post_exit_triggers};
use crate::domain::retirement::retirement_date;
use chrono::NaiveDate;

impl Service {
    pub(super) fn ledger(
        &self,
        actor: &Actor,
        person: PersonId,
        today: NaiveDate,
    ) -> Result<LedgerView> {
        let (p, summary) = self.covered_person(actor, person)?;
        let ledger = self.db()?.ledger(person)?;
        let status = summary.as_ref().map(|s| s.status);
        let post_triggers = match (ledger.open_post(), &summary) {
            (Some(post), Some(s)) => {
                let followups: Vec<_> = self
                    .db()?
                    .followups(s.case)?
                    .into_iter()
                    .map(|f| f.answers)
                    .collect();
                let income = holder_annual_income(&followups);
                post_exit_triggers(
                    &post.placement,
                    s.status,
                    &followups,
                    income,
                    self.settings.monitoring_line,
                    today,
                )
            }
            _ => Vec::new(),
        };
        Ok(LedgerView {
            person,
            name: p.name.clone(),
            id_masked: p.id_number.masked(),
            status,
            ledger,
            post_triggers,
        })
    }

    /// An entry typed into one of the ledger's forms, over version `rev` of the ledger. A
    /// payment (登记补贴发放) names the policy it pays, by its place in the ledger; no other
    /// entry does.
    pub(super) fn add_entry(
        &self,
        actor: &Actor,
        person: PersonId,
        rev: u64,
        entry: &LedgerDraft,
        policy: Option<u32>,
        today: NaiveDate,
    ) -> Result<LedgerView> {
        if actor.role == Role::Admin {
            return Err(ServiceError::Denied("管理员账户不办理台账".into()));
        }
        let (p, summary) = self.covered_person(actor, person)?;
        let kind = entry.kind();
        if summary.is_none() && kind == EntryKind::Post {
            return Err(ServiceError::Refused(
                "此人没有援助申请；公益性岗位只安置已认定的就业困难人员".into(),
            ));
        }
        let mut ledger = self.db()?.ledger(person)?;
        if ledger.rev != rev {
            return Err(ServiceError::Conflict(
                "此人的台账刚被他人修改，请重新打开后再填写".into(),
            ));
        }
        let paying = match (kind, policy) {
            (EntryKind::Payment, Some(index)) => {
                let policy = usize::try_from(index)
                    .ok()
                    .and_then(|i| ledger.policies.get(i))
                    .ok_or_else(|| {
                        ServiceError::NotFound("台账中没有这项政策，请重新打开台账".into())
                    })?;
                Some(Paying {
                    index,
                    policy: policy.clone(),
                    today,
                })
            }
            (EntryKind::Payment, None) | (_, Some(_)) => {
                return Err(ServiceError::Refused(
                    "补贴发放须在选中的政策上登记（台账中按 f）".into(),
                ));
            }
            (_, None) => None,
        };
        let mut ctx = EntryContext::new(
            summary
                .as_ref()
                .map(|s| s.status)
                .unwrap_or(crate::domain::RecognitionStatus::Rejected),
            retirement_date(p.birth_date(), p.id_number.sex(), p.former_class),
            &self.settings,
            &ledger,
            p.categories
                .iter()
                .any(|c| c.category == crate::domain::Category::Disabled),
        );
        ctx.paying = paying;
        let entry = check_entry(entry, &ctx).map_err(ServiceError::InvalidEntry)?;
        ledger.add(entry).map_err(ServiceError::Refused)?;
        let target = format!("{} {}", p.name, p.id_number.masked());
        self.db()?
            .put_ledger(&stamp(actor), &ledger, rev, kind.title(), target, today)?;
        self.ledger(actor, person, today)
    }
}
