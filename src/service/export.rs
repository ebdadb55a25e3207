//! 导出 (issue 15): a month's ledger entries, follow-ups, leads or audit lines as rows of
//! text, a page at a time in stable key order, for `yuanzhu export` to write as CSV or a
//! workbook ([`super::export_file`]). Names and ID numbers are masked unless an
//! administrator asks otherwise, and every such page is an audit entry naming the file.
//!
//! A page walks its tree from where the last one stopped and passes at most
//! [`EXPORT_SCAN_MAX`] records, so a page costs its rows and that bound, never the county.
//! A row's key is its record's key in hex, `:` and the row's place in the record
//! (`e0001`), so keys stay put when records are added elsewhere.

use super::protocol::{EXPORT_KEY_MAX, ExportKind, ExportPage};
use super::{Actor, Result, Service, ServiceError, stamp};
use crate::domain::followup::{ContactOutcome, FollowUp};
use crate::domain::lead::Lead;
use crate::domain::ledger::{DibaoKind, Ledger, PaidTo};
use crate::domain::text::mask_name;
use crate::domain::{CaseId, CaseSummary, IdNumber, Role, TownshipCode, YearMonth};
use crate::store::County;
use crate::store::audit::AuditEntry;
use crate::store::scan::{Scan, ScanTree};
use chrono::NaiveDate;

/// The most rows one page carries.
pub const EXPORT_PAGE_MAX: u32 = 500;

/// The most records one page passes (kept or not): a township caseworker's page over a
/// county's tree ends here, with fewer rows and a key to go on from.
pub const EXPORT_SCAN_MAX: u64 = 5_000;

impl ExportKind {
    pub const ALL: [ExportKind; 4] = [
        ExportKind::Ledger,
        ExportKind::FollowUps,
        ExportKind::Leads,
        ExportKind::Audit,
    ];

    /// The word on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Ledger => "ledger",
            ExportKind::FollowUps => "followups",
            ExportKind::Leads => "leads",
            ExportKind::Audit => "audit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The workbook's sheet, and what the audit entry calls the table.
    pub fn sheet(self) -> &'static str {
        match self {
            ExportKind::Ledger => "援助台账",
            ExportKind::FollowUps => "回访记录",
            ExportKind::Leads => "线索",
            ExportKind::Audit => "审计记录",
        }
    }

    pub fn header(self) -> &'static [&'static str] {
        match self {
            ExportKind::Ledger => &[
                "乡镇",
                "姓名",
                "身份证号",
                "项目",
                "内容",
                "开始",
                "结束",
                "金额（元）",
                "备注",
            ],
            ExportKind::FollowUps => &[
                "乡镇",
                "姓名",
                "身份证号",
                "回访日期",
                "回访方式",
                "联系结果",
                "就业状态",
                "就业单位",
                "月工资（元）",
                "签订劳动合同",
                "缴纳社保",
                "就业意愿",
                "需求",
                "已提供服务",
                "帮扶计划",
                "下次回访",
                "录入人",
            ],
            ExportKind::Leads => &[
                "乡镇",
                "姓名",
                "身份证号",
                "名单来源",
                "首次名单日期",
                "最近名单日期",
                "快捷通道",
                "联系期限",
                "逾期未联系",
                "处理情况",
                "处理日期",
                "备注",
            ],
            ExportKind::Audit => &["序号", "时间", "操作人", "操作", "对象"],
        }
    }

    /// The columns holding ID numbers, written as text in a workbook.
    pub fn id_columns(self) -> &'static [usize] {
        match self {
            ExportKind::Audit => &[],
            _ => &[2],
        }
    }

    fn tree(self) -> ScanTree {
        match self {
            ExportKind::Ledger => ScanTree::Ledgers,
            ExportKind::FollowUps => ScanTree::FollowUps,
            ExportKind::Leads => ScanTree::Leads,
            ExportKind::Audit => ScanTree::Audit,
        }
    }
}

/// What one record gives a page: its rows, each with its place in the record; or the end
/// of what the month can hold (the audit log is in time order).
enum Found {
    Rows(Vec<(String, Vec<String>)>),
    Past,
}

/// A page's request, as the service reads it.
pub(super) struct ExportQuery<'a> {
    pub kind: ExportKind,
    pub month: YearMonth,
    pub after: Option<&'a str>,
    pub limit: u32,
    pub unmasked: bool,
    pub file: &'a str,
}

/// Names and ID numbers as the export shows them.
#[derive(Clone, Copy)]
struct Mask {
    unmasked: bool,
}

impl Mask {
    fn name(self, name: &str) -> String {
        if self.unmasked {
            name.to_string()
        } else {
            mask_name(name)
        }
    }

    fn id(self, id: &IdNumber) -> String {
        if self.unmasked {
            id.as_str().to_string()
        } else {
            id.masked()
        }
    }

    /// A card or account number: its last four characters only, unless unmasked (a social
    /// security card number is often the ID number).
    fn number(self, n: &str) -> String {
        if self.unmasked {
            return n.to_string();
        }
        let chars: Vec<char> = n.chars().collect();
        let keep = chars.len().min(4);
        let tail: String = chars[chars.len() - keep..].iter().collect();
        format!("{}{tail}", "*".repeat(chars.len() - keep))
    }

    /// Free text (an audit entry's target): every 18-character ID number in it masked, and
    /// each of `names` starred.
    fn text(self, text: &str, names: &[String]) -> String {
        if self.unmasked {
            return text.to_string();
        }
        let mut out = mask_ids_in(text);
        for n in names.iter().filter(|n| !n.is_empty()) {
            out = out.replace(n.as_str(), &mask_name(n));
        }
        out
    }
}

/// `text` with every run of 18 characters that reads as an ID number masked.
fn mask_ids_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_id_char = |c: char| c.is_ascii_digit() || c == 'X' || c == 'x';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if is_id_char(chars[i]) {
            let start = i;
            while i < chars.len() && is_id_char(chars[i]) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            match IdNumber::parse(&run) {
                Ok(id) if run.len() == 18 => out.push_str(&id.masked()),
                _ => out.push_str(&run),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Where a page starts: the record key to walk from (inclusive), and the row key to go on
/// after.
fn resume(after: Option<&str>) -> Result<Vec<u8>> {
    let Some(after) = after else {
        return Ok(Vec::new());
    };
    let bad = || ServiceError::Refused("导出：续页位置有误，请重新导出".into());
    if after.len() > EXPORT_KEY_MAX {
        return Err(bad());
    }
    let (record, _) = after.split_once(':').ok_or_else(bad)?;
    unhex(record).ok_or_else(bad)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

fn township_name(county: Option<&County>, t: &TownshipCode) -> String {
    super::leads::township_name(Some(t), county)
}

/// Walks `scan` from its start, keeping the rows after `after`, until `limit` rows or
/// [`EXPORT_SCAN_MAX`] records.
fn walk<V>(
    scan: Scan<'_, V>,
    after: Option<&str>,
    limit: usize,
    mut rows_of: impl FnMut(V) -> Result<Found>,
) -> Result<ExportPage> {
    let mut page = ExportPage::default();
    for item in scan {
        let (key, record) = item?;
        page.scanned += 1;
        let rows = match rows_of(record)? {
            Found::Rows(rows) => rows,
            Found::Past => return Ok(page),
        };
        let record_key = super::hex(&key);
        for (place, cells) in rows {
            let row_key = format!("{record_key}:{place}");
            if after.is_some_and(|a| row_key.as_str() <= a) {
                continue;
            }
            page.rows.push(cells);
            if page.rows.len() >= limit {
                page.next = Some(row_key);
                return Ok(page);
            }
        }
        if page.scanned >= EXPORT_SCAN_MAX {
            // Past every row of this record: `~` sorts after every place.
            page.next = Some(format!("{record_key}:~"));
            return Ok(page);
        }
    }
    Ok(page)
}

impl Service {
    pub(super) fn export(
        &self,
        actor: &Actor,
        q: &ExportQuery<'_>,
        today: NaiveDate,
    ) -> Result<ExportPage> {
        if q.unmasked && actor.role != Role::Admin {
            return Err(ServiceError::Denied(
                "导出：只有管理员可以导出未打码的姓名和身份证号（--unmasked）".into(),
            ));
        }
        if q.kind == ExportKind::Audit && actor.role == Role::TownshipCaseworker {
            return Err(ServiceError::Denied(
                "导出：审计记录只有县级审核和管理员可以导出".into(),
            ));
        }
        let from = resume(q.after)?;
        let limit = q.limit.clamp(1, EXPORT_PAGE_MAX) as usize;
        let db = self.db()?;
        let county = db.county()?;
        let county = county.as_ref();
        let mask = Mask {
            unmasked: q.unmasked,
        };
        let month = q.month;
        let mut page = match q.kind {
            ExportKind::Ledger => walk(db.ledgers_from(&from), q.after, limit, |l| {
                self.ledger_rows(actor, &l, month, mask, county)
            })?,
            ExportKind::FollowUps => {
                let mut last: Option<(CaseId, Option<CaseSummary>)> = None;
                walk(db.followups_from(&from), q.after, limit, |f| {
                    if YearMonth::of(f.answers.date) != month {
                        return Ok(Found::Rows(Vec::new()));
                    }
                    // Follow-ups come case by case: one summary read per case.
                    if last.as_ref().is_none_or(|(c, _)| *c != f.case) {
                        last = Some((f.case, db.summary(f.case)?));
                    }
                    let summary = last.as_ref().and_then(|(_, s)| s.as_ref());
                    Ok(Found::Rows(match summary {
                        Some(s) if actor.covers(&s.township) => {
                            vec![("e0000".into(), followup_row(&f, s, mask, county))]
                        }
                        _ => Vec::new(),
                    }))
                })?
            }
            ExportKind::Leads => walk(db.leads_from(&from), q.after, limit, |l| {
                let covered = match &l.township {
                    Some(t) => actor.covers(t),
                    None => actor.role != Role::TownshipCaseworker,
                };
                let in_month =
                    YearMonth::of(l.list_date) == month || YearMonth::of(l.last_seen) == month;
                // Persons already in the ledger are data-comparison notes, not leads.
                Ok(Found::Rows(if covered && in_month && l.person.is_none() {
                    vec![("e0000".into(), lead_row(&l, mask, county, today))]
                } else {
                    Vec::new()
                }))
            })?,
            ExportKind::Audit => walk(db.audit_from(&from), q.after, limit, |e| {
                let at = YearMonth::of(e.at.date_naive());
                if at > month {
                    return Ok(Found::Past);
                }
                Ok(Found::Rows(if at == month {
                    vec![("e0000".into(), self.audit_row(&e, mask)?)]
                } else {
                    Vec::new()
                }))
            })?,
        };
        if q.after.is_none() {
            page.records = db.records_in(q.kind.tree());
        }
        if q.unmasked {
            let file = crate::domain::text::clean_line(q.file, 200);
            let target = format!(
                "{}（{}）未打码导出到 {}：{} 行{}",
                q.kind.sheet(),
                month.label(),
                if file.is_empty() {
                    "标准输出"
                } else {
                    &file
                },
                page.rows.len(),
                if q.after.is_some() {
                    "（续页）"
                } else {
                    ""
                }
            );
            db.record_access(
                &stamp(actor),
                crate::domain::audit_action::UNMASKED_EXPORT,
                target,
                [0; 8],
            )?;
        }
        Ok(page)
    }

    /// A ledger's rows of `month`: posts held in it, policies in force or paid in it (with
    /// what has been paid so far), each payment dated in it, dibao linkage recorded in it;
    /// none for a person the actor does not cover.
    fn ledger_rows(
        &self,
        actor: &Actor,
        l: &Ledger,
        month: YearMonth,
        mask: Mask,
        county: Option<&County>,
    ) -> Result<Found> {
        let db = self.db()?;
        let Some(p) = db.person(l.person)? else {
            return Ok(Found::Rows(Vec::new()));
        };
        let Some(h) = db.household(p.household)? else {
            return Ok(Found::Rows(Vec::new()));
        };
        if !actor.covers(&h.township) {
            return Ok(Found::Rows(Vec::new()));
        }
        let who = [
            township_name(county, &h.township),
            mask.name(&p.name),
            mask.id(&p.id_number),
        ];
        let row = |rest: [String; 6]| -> Vec<String> { who.iter().cloned().chain(rest).collect() };
        let mut rows = Vec::new();
        for (i, post) in l.posts.iter().enumerate() {
            let pl = &post.placement;
            let end = post.held_until();
            if pl.start > month.last_day() || end < month.first_day() {
                continue;
            }
            rows.push((
                format!("p{i:04}"),
                row([
                    "公益性岗位".into(),
                    format!(
                        "{}：{}；岗位补贴 {} 元/月，社保补贴 {} 元/月",
                        pl.post_type.label(),
                        pl.employer,
                        pl.post_subsidy,
                        pl.insurance_subsidy
                    ),
                    date(pl.start),
                    date(end),
                    (pl.post_subsidy + pl.insurance_subsidy).to_string(),
                    post.ended
                        .map(|(_, r)| format!("已退出：{}", r.label()))
                        .unwrap_or_default(),
                ]),
            ));
        }
        let target = |to: &PaidTo| match to {
            PaidTo::Card(n) => format!("社会保障卡 {}", mask.number(n)),
            PaidTo::UnitAccount(n) => format!("单位账户 {}", mask.number(n)),
        };
        for (i, policy) in l.policies.iter().enumerate() {
            // A policy shows in the months it covers, and in any month it was paid in.
            let paid_in_month: Vec<_> = policy
                .payments
                .iter()
                .enumerate()
                .filter(|(_, x)| YearMonth::of(x.on) == month)
                .collect();
            if (policy.from > month || policy.to < month) && paid_in_month.is_empty() {
                continue;
            }
            let mut note = format!("累计已发放 {} 元", policy.paid());
            if !policy.benefit_months.is_empty() {
                let months: Vec<String> = policy.benefit_months.iter().map(|m| m.label()).collect();
                note.push_str(&format!("；领取失业保险金月份：{}", months.join("、")));
            }
            rows.push((
                format!("q{i:04}"),
                row([
                    policy.kind.label().into(),
                    target(&policy.paid_to),
                    policy.from.label(),
                    policy.to.label(),
                    policy.amount.to_string(),
                    note,
                ]),
            ));
            // R-GOV-1: each payment of the month, dated, to where it went.
            for (j, x) in paid_in_month {
                rows.push((
                    format!("q{i:04}f{j:04}"),
                    row([
                        format!("补贴发放：{}", policy.kind.label()),
                        format!("{}，发放于 {}", target(&x.paid_to), date(x.on)),
                        x.from.label(),
                        x.to.label(),
                        x.amount.to_string(),
                        String::new(),
                    ]),
                ));
            }
        }
        for (i, d) in l.dibao.iter().enumerate() {
            if YearMonth::of(d.on) != month {
                continue;
            }
            let (what, until) = match &d.kind {
                DibaoKind::CostDeduction { monthly } => {
                    (format!("就业成本扣减，每月 {monthly} 元"), String::new())
                }
                DibaoKind::GradualExit { until } => ("低保渐退".to_string(), date(*until)),
            };
            rows.push((
                format!("r{i:04}"),
                row([
                    "低保联动".into(),
                    what,
                    date(d.on),
                    until,
                    String::new(),
                    d.note.clone(),
                ]),
            ));
        }
        Ok(Found::Rows(rows))
    }

    /// An `audit show` line, the names of the persons and cases it touched starred and any
    /// ID number in it masked (unless unmasked).
    fn audit_row(&self, e: &AuditEntry, mask: Mask) -> Result<Vec<String>> {
        let mut names = Vec::new();
        if !mask.unmasked {
            let db = self.db()?;
            for c in &e.changes {
                let name = match c.tree.as_str() {
                    "persons" => crate::domain::PersonId::from_key(&c.key)
                        .map(|p| db.person(p))
                        .transpose()?
                        .flatten()
                        .map(|p| p.name),
                    "cases" | "summaries" => CaseId::from_key(&c.key)
                        .map(|k| db.summary(k))
                        .transpose()?
                        .flatten()
                        .map(|s| s.name),
                    _ => None,
                };
                if let Some(n) = name.filter(|n| !names.contains(n)) {
                    names.push(n);
                }
            }
            // Longer names first, so 欧阳明华 is starred before a 欧阳明 inside it.
            names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        }
        Ok(vec![
            e.seq.to_string(),
            e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            e.actor.clone(),
            e.action.clone(),
            mask.text(&e.target, &names),
        ])
    }
}

fn followup_row(f: &FollowUp, s: &CaseSummary, mask: Mask, county: Option<&County>) -> Vec<String> {
    let a = &f.answers;
    let reached = a.outcome == ContactOutcome::Reached;
    let e = a.employment.as_ref();
    vec![
        township_name(county, &s.township),
        mask.name(&s.name),
        mask.id(&s.id_number),
        date(a.date),
        a.method.label().into(),
        a.outcome.label().into(),
        if reached {
            a.work_status.label().into()
        } else {
            String::new()
        },
        e.map(|e| e.employer.clone()).unwrap_or_default(),
        e.map(|e| e.monthly_wage.to_string()).unwrap_or_default(),
        e.map(|e| yes(e.contract_signed)).unwrap_or_default(),
        e.map(|e| yes(e.social_insurance_paid)).unwrap_or_default(),
        if reached {
            yes(a.willing_to_work)
        } else {
            String::new()
        },
        a.needs
            .iter()
            .map(|n| n.label())
            .collect::<Vec<_>>()
            .join("、"),
        a.services.clone(),
        a.plan.clone(),
        date(a.next_contact),
        f.recorded_by.clone(),
    ]
}

fn lead_row(l: &Lead, mask: Mask, county: Option<&County>, today: NaiveDate) -> Vec<String> {
    vec![
        l.township
            .as_ref()
            .map(|t| township_name(county, t))
            .unwrap_or_else(|| "未分配".into()),
        mask.name(&l.name),
        mask.id(&l.id_number),
        l.source.label().into(),
        date(l.list_date),
        date(l.last_seen),
        yes(l.fast_lane()),
        l.contact_deadline.map(date).unwrap_or_default(),
        yes(l.is_overdue(today)),
        l.disposition.label().into(),
        l.disposition_on.map(date).unwrap_or_default(),
        l.note.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_inside_free_text_are_masked_and_other_digits_kept() {
        let id = IdNumber::compose(
            "360731",
            NaiveDate::from_ymd_opt(1980, 3, 1).unwrap_or_default(),
            123,
        );
        let Ok(id) = id else {
            panic!("a valid composed ID");
        };
        let text = format!("李国华 {} 第 12 行 20261116", id.as_str());
        let masked = Mask { unmasked: false }.text(&text, &["李国华".into()]);
        assert_eq!(masked, format!("李*华 {} 第 12 行 20261116", id.masked()));
        assert_eq!(Mask { unmasked: true }.text(&text, &[]), text);
    }

    #[test]
    fn row_keys_resume_from_their_record_and_a_bad_key_is_refused() {
        assert_eq!(resume(None), Ok(Vec::new()));
        assert_eq!(resume(Some("00ff:e0000")), Ok(vec![0, 255]));
        assert!(resume(Some("zz:e0000")).is_err());
        assert!(resume(Some("00ff")).is_err());
        assert!(resume(Some(&"0".repeat(EXPORT_KEY_MAX + 2))).is_err());
        assert_eq!(Mask { unmasked: false }.number("6217001234"), "******1234");
        assert_eq!(Mask { unmasked: false }.number("12"), "12");
    }
}
