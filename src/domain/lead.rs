//! Leads (线索): people found on another agency's list — the registered unemployed, the
//! civil-affairs dibao and low-income rolls, the disabled persons' federation's certificate
//! holders — who may qualify and have not applied (第(二)条 “大数据+铁脚板”, R-DISCOVER-1).
//! Those found through 民政 and 残联 data go by the fast lane (第(四)条 就业救助快捷通道,
//! R-FAST-1): first in the list, with a contact deadline in working days.
//!
//! Also here: the checks every row of such a list goes through before it becomes a lead,
//! each problem named with the row's number in words a caseworker can act on. Reading the
//! file (CSV, XLSX, encodings, headers) is not here; nor is matching against the ledger.

use super::calendar::Calendar;
use super::id_number::{IdError, IdNumber, Sex, check_digit};
use super::ids::{PersonId, TownshipCode};
use super::phone::parse_phone;
use super::text::halfwidth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Whose list a lead came from (第(二)条 names the three agencies' data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LeadSource {
    /// 民政 城乡低保名单.
    Dibao,
    /// 民政 低收入人口名单.
    LowIncome,
    /// 残联 持证残疾人名单.
    Disabled,
    /// 人社 登记失业人员名单.
    RegisteredUnemployed,
    /// 乡村振兴 防止返贫监测对象名单.
    Monitored,
    Other,
}

impl LeadSource {
    pub const ALL: [LeadSource; 6] = [
        LeadSource::Dibao,
        LeadSource::LowIncome,
        LeadSource::Disabled,
        LeadSource::RegisteredUnemployed,
        LeadSource::Monitored,
        LeadSource::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LeadSource::Dibao => "民政低保",
            LeadSource::LowIncome => "民政低收入",
            LeadSource::Disabled => "残联持证",
            LeadSource::RegisteredUnemployed => "登记失业",
            LeadSource::Monitored => "监测对象",
            LeadSource::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<LeadSource> {
        let s = s.trim();
        Self::ALL.into_iter().find(|x| x.label() == s)
    }

    /// 第(四)条: those found through civil-affairs and disabled persons' federation data
    /// go by the fast lane.
    pub fn fast_lane(self) -> bool {
        matches!(
            self,
            LeadSource::Dibao | LeadSource::LowIncome | LeadSource::Disabled
        )
    }

    /// One byte naming the source in a stored key (the on-disk format: never renumber).
    pub fn code(self) -> u8 {
        match self {
            LeadSource::Dibao => 1,
            LeadSource::LowIncome => 2,
            LeadSource::Disabled => 3,
            LeadSource::RegisteredUnemployed => 4,
            LeadSource::Monitored => 5,
            LeadSource::Other => 6,
        }
    }

    /// What a person on this list is noted as, for a person already in the ledger:
    /// “民政低保名单 2026-11 有此人”.
    pub fn list_name(self) -> &'static str {
        match self {
            LeadSource::Dibao => "民政低保名单",
            LeadSource::LowIncome => "民政低收入人口名单",
            LeadSource::Disabled => "残联持证残疾人名单",
            LeadSource::RegisteredUnemployed => "登记失业人员名单",
            LeadSource::Monitored => "防止返贫监测对象名单",
            LeadSource::Other => "其他名单",
        }
    }
}

/// What became of a lead (R-DISCOVER-1: contacted / applied / not eligible / refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Disposition {
    ToContact,
    Contacted,
    Applied,
    NotEligible,
    Refused,
}

impl Disposition {
    pub const ALL: [Disposition; 5] = [
        Disposition::ToContact,
        Disposition::Contacted,
        Disposition::Applied,
        Disposition::NotEligible,
        Disposition::Refused,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Disposition::ToContact => "待联系",
            Disposition::Contacted => "已联系",
            Disposition::Applied => "已申请",
            Disposition::NotEligible => "不符合条件",
            Disposition::Refused => "本人拒绝",
        }
    }
}

/// One disposition of a lead, dated as the caseworker dated it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionStep {
    pub on: NaiveDate,
    pub disposition: Disposition,
}

/// The row's own facts, as the list states them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowFacts {
    pub dibao_number: Option<String>,
    pub disability_number: Option<String>,
    pub disability_level: Option<String>,
    /// A registration list's status column, as written (e.g. 已注销, 失业).
    pub registration_status: Option<String>,
    pub cancelled_on: Option<NaiveDate>,
}

impl RowFacts {
    /// A 登记失业 row saying the registration was cancelled: a 注销日期, or a status of
    /// 注销/已注销/已就业.
    pub fn registration_cancelled(&self) -> bool {
        self.cancelled_on.is_some()
            || self
                .registration_status
                .as_deref()
                .is_some_and(|s| s.contains("注销") || s.contains("已就业"))
    }
}

/// A person found on a list. Unique by (source, ID number): a later list of the same
/// source moves `last_seen` on and changes nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// The lead's own number, by which fronts name it (the ID number stays masked in lists);
    /// 0 until the import gives it one.
    pub id: u64,
    pub source: LeadSource,
    pub id_number: IdNumber,
    /// Read as an old 15-digit number and converted (GB 11643).
    pub converted_from_15: bool,
    pub name: String,
    pub sex: Sex,
    pub phone: Option<String>,
    pub address: String,
    pub village: Option<String>,
    /// `None`: 未分配 (neither the address nor the village named a township).
    pub township: Option<TownshipCode>,
    pub facts: RowFacts,
    /// The list date of the list it was first found on, and that list's row.
    pub list_date: NaiveDate,
    pub row: u32,
    pub last_seen: NaiveDate,
    /// 第(四)条: the day by which the person is to be contacted (fast lane only).
    pub contact_deadline: Option<NaiveDate>,
    pub disposition: Disposition,
    pub disposition_on: Option<NaiveDate>,
    /// Every disposition given, in the order given, each with its day: what the month's
    /// statistics read (第(十三)条), since a lead contacted in one month and applying in
    /// the next counts as 已联系 at the first month's end. Empty for a lead still as found.
    pub history: Vec<DispositionStep>,
    pub note: String,
    /// Already in the ledger when found: then this is a data-comparison note to confirm
    /// (“民政低保名单 2026-11 有此人”), never a change of the person's categories.
    pub person: Option<PersonId>,
    pub rev: u64,
}

impl Lead {
    /// The stored key: the source's byte, then the ID number.
    pub fn key_of(source: LeadSource, id_number: &IdNumber) -> Vec<u8> {
        let mut k = vec![source.code()];
        k.extend_from_slice(id_number.as_str().as_bytes());
        k
    }

    pub fn key(&self) -> Vec<u8> {
        Self::key_of(self.source, &self.id_number)
    }

    pub fn fast_lane(&self) -> bool {
        self.source.fast_lane()
    }

    /// 第(四)条: a fast-lane lead still to contact after its deadline.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.disposition == Disposition::ToContact
            && self.contact_deadline.is_some_and(|d| today > d)
    }

    /// The data-comparison note for a person already in the ledger.
    pub fn comparison_note(&self) -> String {
        format!(
            "{} {} 有此人",
            self.source.list_name(),
            self.list_date.format("%Y-%m")
        )
    }
}

/// Why a disposition was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DispositionError {
    #[error("处理日期 {on} 早于名单日期 {list_date}")]
    BeforeList { on: NaiveDate, list_date: NaiveDate },
    #[error("处理日期 {0} 晚于今天")]
    AfterToday(NaiveDate),
    #[error("“已申请”在登记申请保存时自动记录，不能直接选")]
    AppliedByIntake,
    #[error("“{0}”需要写明原因（备注）")]
    NoteNeeded(&'static str),
    #[error("备注最多 {MAX_NOTE} 字")]
    NoteTooLong,
}

/// The longest note a disposition keeps.
pub const MAX_NOTE: usize = 200;

impl Lead {
    /// R-DISCOVER-1: what a caseworker found on contacting the person, on `on`. 已申请
    /// comes from a saved application, not from this; 不符合条件 and 本人拒绝 say why.
    pub fn dispose(
        &mut self,
        disposition: Disposition,
        on: NaiveDate,
        note: &str,
        today: NaiveDate,
    ) -> Result<(), DispositionError> {
        if on < self.list_date {
            return Err(DispositionError::BeforeList {
                on,
                list_date: self.list_date,
            });
        }
        if on > today {
            return Err(DispositionError::AfterToday(on));
        }
        if disposition == Disposition::Applied {
            return Err(DispositionError::AppliedByIntake);
        }
        let note = note.trim();
        if note.chars().count() > MAX_NOTE {
            return Err(DispositionError::NoteTooLong);
        }
        if note.is_empty() && matches!(disposition, Disposition::NotEligible | Disposition::Refused)
        {
            return Err(DispositionError::NoteNeeded(disposition.label()));
        }
        self.disposition = disposition;
        self.disposition_on = Some(on);
        self.history.push(DispositionStep { on, disposition });
        self.note = note.to_string();
        Ok(())
    }

    /// The person found on the list has applied (登记申请 saved on `on`); whether the lead
    /// changed.
    pub fn applied(&mut self, on: NaiveDate) -> bool {
        if self.disposition == Disposition::Applied {
            return false;
        }
        self.disposition = Disposition::Applied;
        self.disposition_on = Some(on);
        self.history.push(DispositionStep {
            on,
            disposition: Disposition::Applied,
        });
        true
    }
}

/// 第(四)条 (R-FAST-1): a fast-lane lead is contacted within `working_days` working days
/// of the list date, counted on `calendar` from the first working day after it.
pub fn contact_deadline(calendar: &Calendar, list_date: NaiveDate, working_days: u32) -> NaiveDate {
    let mut day = list_date;
    for _ in 0..working_days.max(1) {
        day = calendar.next_working_day(day);
    }
    day
}

/// One row of a list as read, its cells already matched to fields by header. Empty cells
/// are empty strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawRow {
    /// The row's number in the file as a spreadsheet shows it (the header is row 1).
    pub row: u32,
    pub name: String,
    pub id_number: String,
    /// The ID cell was a number in the workbook, not text: its last digits are lost.
    pub id_was_number: bool,
    pub phone: String,
    pub address: String,
    pub township: String,
    pub village: String,
    pub dibao_number: String,
    pub disability_number: String,
    pub disability_level: String,
    pub registration_status: String,
    pub cancelled_on: String,
}

impl RawRow {
    fn is_empty(&self) -> bool {
        [
            &self.name,
            &self.id_number,
            &self.phone,
            &self.address,
            &self.township,
            &self.village,
            &self.dibao_number,
            &self.disability_number,
            &self.disability_level,
            &self.registration_status,
            &self.cancelled_on,
        ]
        .iter()
        .all(|c| c.trim().is_empty())
    }
}

/// What kind of problem a row had, for the summary's counts by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// A row the import refused.
    MissingId,
    IdMangledByExcel,
    IdCheckDigit,
    IdBirthDate,
    IdMalformed,
    MissingName,
    BadName,
    BadDate,
    Duplicate,
    /// Rows skipped or read with a correction, not refused.
    EmptyRow,
    Converted15,
    Normalised,
    PhoneIgnored,
    /// A valid number of someone long past working age (born before 1900): not a lead,
    /// and not a bad date either (issue 13, finding 15).
    PastWorkingAge,
}

impl ProblemKind {
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::MissingId => "缺少身份证号",
            ProblemKind::IdMangledByExcel => "身份证号被Excel改成了数字",
            ProblemKind::IdCheckDigit => "身份证号校验码错误",
            ProblemKind::IdBirthDate => "身份证号出生日期无效",
            ProblemKind::IdMalformed => "身份证号格式错误",
            ProblemKind::MissingName => "缺少姓名",
            ProblemKind::BadName => "姓名含数字或控制字符",
            ProblemKind::BadDate => "日期无效",
            ProblemKind::Duplicate => "文件内重复",
            ProblemKind::EmptyRow => "空行（已跳过）",
            ProblemKind::Converted15 => "15位身份证号（已转为18位）",
            ProblemKind::Normalised => "已规范（小写x、全角数字、多余空格）",
            ProblemKind::PhoneIgnored => "电话无效（已忽略）",
            ProblemKind::PastWorkingAge => "已超过法定劳动年龄",
        }
    }

    /// Whether a row with this problem is left out of the import.
    pub fn refuses_row(self) -> bool {
        !matches!(
            self,
            ProblemKind::EmptyRow
                | ProblemKind::Converted15
                | ProblemKind::Normalised
                | ProblemKind::PhoneIgnored
        )
    }
}

/// One problem of one row: “第 17 行：身份证号校验码错误（应为 X）”.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    pub row: u32,
    pub kind: ProblemKind,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.row, self.message)
    }
}

/// The county's places a row's township is looked up in: township names, and villages
/// already on households with the township they are in.
#[derive(Clone, Debug, Default)]
pub struct Places {
    pub townships: Vec<(TownshipCode, String)>,
    pub villages: Vec<(String, TownshipCode)>,
}

impl Places {
    /// The township a row names (its township column, its address, or its village), else
    /// `None` (未分配). The longest name found wins, so 城关镇 is not taken for 关镇.
    pub fn township_of(
        &self,
        township: &str,
        address: &str,
        village: &str,
    ) -> Option<TownshipCode> {
        let named = |text: &str| {
            self.townships
                .iter()
                .filter(|(_, name)| !name.is_empty() && text.contains(name.as_str()))
                .max_by_key(|(_, name)| name.chars().count())
                .map(|(code, _)| code.clone())
        };
        let township = township.trim();
        if !township.is_empty()
            && let Some(t) = self
                .townships
                .iter()
                .find(|(code, name)| name == township || code.0 == township)
        {
            return Some(t.0.clone());
        }
        named(township).or_else(|| named(address)).or_else(|| {
            let village_named = |text: &str| {
                self.villages
                    .iter()
                    .filter(|(name, _)| !name.is_empty() && text.contains(name.as_str()))
                    .max_by_key(|(name, _)| name.chars().count())
                    .map(|(_, code)| code.clone())
            };
            let village = village.trim();
            (!village.is_empty())
                .then(|| village_named(village))
                .flatten()
                .or_else(|| village_named(address))
        })
    }
}

/// How a list is read: its source and date, the fast-lane deadline's days and calendar.
#[derive(Clone, Debug)]
pub struct ListContext<'a> {
    pub source: LeadSource,
    pub list_date: NaiveDate,
    pub fast_lane_contact_days: u32,
    pub calendar: &'a Calendar,
    pub places: &'a Places,
}

/// A list's rows after the checks: the good rows as leads (not yet matched against the
/// ledger: `person` is `None`), and every problem found, in row order.
#[derive(Clone, Debug, Default)]
pub struct CheckedList {
    pub leads: Vec<Lead>,
    pub problems: Vec<RowProblem>,
    pub rows: u32,
}

/// Checks every row (R-DISCOVER-1: lists are matched by ID number, so a number that is not
/// sound is refused, never guessed). A refused row never stops the others.
pub fn check_rows(rows: &[RawRow], ctx: &ListContext<'_>) -> CheckedList {
    let mut out = CheckedList::default();
    let mut seen: HashMap<IdNumber, u32> = HashMap::new();
    for raw in rows {
        out.rows += 1;
        let mut problems = Vec::new();
        let lead = check_row(raw, ctx, &mut problems);
        if let Some(lead) = lead {
            if let Some(first) = seen.get(&lead.id_number) {
                problems.push(problem(
                    raw.row,
                    ProblemKind::Duplicate,
                    format!("身份证号与第 {first} 行重复（只导入第 {first} 行）"),
                ));
            } else {
                seen.insert(lead.id_number.clone(), raw.row);
                out.leads.push(lead);
            }
        }
        out.problems.extend(problems);
    }
    out
}

fn problem(row: u32, kind: ProblemKind, message: String) -> RowProblem {
    RowProblem { row, kind, message }
}

/// One row's checks; `None` when it is refused (or empty), its problems in `problems`.
fn check_row(raw: &RawRow, ctx: &ListContext<'_>, problems: &mut Vec<RowProblem>) -> Option<Lead> {
    let row = raw.row;
    if raw.is_empty() {
        problems.push(problem(row, ProblemKind::EmptyRow, "空行，已跳过".into()));
        return None;
    }
    let id = match read_id(&raw.id_number, raw.id_was_number, ctx.list_date) {
        Ok(read) => {
            if read.converted {
                problems.push(problem(
                    row,
                    ProblemKind::Converted15,
                    format!(
                        "15位身份证号 {} 已按 GB 11643 转为18位 {}",
                        raw.id_number.trim(),
                        read.id
                    ),
                ));
            } else if read.normalised {
                problems.push(problem(
                    row,
                    ProblemKind::Normalised,
                    format!("身份证号“{}”已规范为 {}", raw.id_number, read.id),
                ));
            }
            Some(read)
        }
        Err((kind, message)) => {
            problems.push(problem(row, kind, message));
            None
        }
    };
    let name = read_name(&raw.name);
    let name = match name {
        Ok(name) => {
            if name != raw.name {
                problems.push(problem(
                    row,
                    ProblemKind::Normalised,
                    format!("姓名“{}”已去掉多余空格", raw.name),
                ));
            }
            Some(name)
        }
        Err((kind, message)) => {
            problems.push(problem(row, kind, message));
            None
        }
    };
    let cancelled_on = match raw.cancelled_on.trim() {
        "" => Ok(None),
        s => super::form::parse_date(s)
            .map(Some)
            .map_err(|m| format!("注销日期“{s}”无效：{m}")),
    };
    let cancelled_on = match cancelled_on {
        Ok(Some(d)) if d > ctx.list_date => {
            problems.push(problem(
                row,
                ProblemKind::BadDate,
                format!("注销日期 {d} 晚于名单日期 {}", ctx.list_date),
            ));
            return None;
        }
        Ok(d) => d,
        Err(m) => {
            problems.push(problem(row, ProblemKind::BadDate, m));
            return None;
        }
    };
    let (id, name) = (id?, name?);
    let phone = match raw.phone.trim() {
        "" => None,
        p => match parse_phone(p) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(problem(
                    row,
                    ProblemKind::PhoneIgnored,
                    format!("电话“{p}”无效，未导入：{e}"),
                ));
                None
            }
        },
    };
    let text = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    let township = ctx
        .places
        .township_of(&raw.township, &raw.address, &raw.village);
    let contact_deadline = ctx
        .source
        .fast_lane()
        .then(|| contact_deadline(ctx.calendar, ctx.list_date, ctx.fast_lane_contact_days));
    Some(Lead {
        id: 0,
        source: ctx.source,
        sex: id.id.sex(),
        id_number: id.id,
        converted_from_15: id.converted,
        name,
        phone,
        address: raw.address.trim().to_string(),
        village: text(&raw.village),
        township,
        facts: RowFacts {
            dibao_number: text(&raw.dibao_number),
            disability_number: text(&raw.disability_number),
            disability_level: text(&raw.disability_level),
            registration_status: text(&raw.registration_status),
            cancelled_on,
        },
        list_date: ctx.list_date,
        row,
        last_seen: ctx.list_date,
        contact_deadline,
        disposition: Disposition::ToContact,
        disposition_on: None,
        history: Vec::new(),
        note: String::new(),
        person: None,
        rev: 1,
    })
}

/// An ID number as read from a list.
#[derive(Debug)]
struct ReadId {
    id: IdNumber,
    converted: bool,
    /// A lower-case x, full-width digits or spaces were corrected.
    normalised: bool,
}

/// How to get the ID column out of Excel as text, said whenever a number was mangled.
pub const EXPORT_AS_TEXT: &str = "请在Excel中把身份证号列设为“文本”格式，按原始材料重新填入号码（或在号码前加英文单引号'）后再导出";

fn read_id(
    raw: &str,
    was_number: bool,
    list_date: NaiveDate,
) -> Result<ReadId, (ProblemKind, String)> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err((ProblemKind::MissingId, "缺少身份证号".into()));
    }
    let folded = halfwidth(trimmed);
    let scientific = folded.contains(['E', 'e']) && folded.contains('+');
    let decimal = folded.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    let lost_digits = folded.len() == 18
        && folded.bytes().all(|c| c.is_ascii_digit())
        && folded.ends_with("000")
        && !folded.ends_with(check_digit(&folded[..17]));
    if scientific || decimal || lost_digits || (was_number && folded.len() >= 15) {
        return Err((
            ProblemKind::IdMangledByExcel,
            format!(
                "身份证号“{trimmed}”已被Excel当作数字保存，末几位已丢失、无法恢复。{EXPORT_AS_TEXT}"
            ),
        ));
    }
    let normalised = trimmed != raw || folded != trimmed || trimmed.ends_with('x');
    let (text, converted) = if folded.chars().count() == 15 {
        match from_15(&folded) {
            Some(s) => (s, true),
            None => {
                return Err((
                    ProblemKind::IdMalformed,
                    format!("15位身份证号“{trimmed}”含有数字以外的字符"),
                ));
            }
        }
    } else {
        (folded, false)
    };
    match IdNumber::parse_at(&text, list_date) {
        Ok(id) => Ok(ReadId {
            id,
            converted,
            normalised,
        }),
        Err(e) => {
            let kind = match e {
                IdError::WrongCheckDigit { .. } => ProblemKind::IdCheckDigit,
                IdError::InvalidBirthDate(_) | IdError::BirthAfterToday => ProblemKind::IdBirthDate,
                IdError::PastWorkingAge { .. } => ProblemKind::PastWorkingAge,
                _ => ProblemKind::IdMalformed,
            };
            Err((kind, format!("身份证号“{trimmed}”：{e}")))
        }
    }
}

/// GB 11643-1999: an old 15-digit number (6 region, YYMMDD, 3 sequence) becomes 18 digits
/// by writing the year in full (19YY) and appending the check digit.
pub fn from_15(digits: &str) -> Option<String> {
    if digits.len() != 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let first17 = format!("{}19{}", &digits[..6], &digits[6..]);
    let check = check_digit(&first17);
    Some(format!("{first17}{check}"))
}

fn read_name(raw: &str) -> Result<String, (ProblemKind, String)> {
    let name = raw.trim();
    if name.is_empty() {
        return Err((ProblemKind::MissingName, "缺少姓名".into()));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err((
            ProblemKind::BadName,
            format!("姓名含有控制字符（U+{:04X}）", u32::from(c)),
        ));
    }
    if name
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return Err((ProblemKind::BadName, format!("姓名“{name}”含有数字")));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn id(birth: NaiveDate, seq: u16) -> String {
        IdNumber::compose("360731", birth, seq).unwrap().to_string()
    }

    fn places() -> Places {
        Places {
            townships: vec![
                (TownshipCode("01".into()), "贡江镇".into()),
                (TownshipCode("02".into()), "城关镇".into()),
                (TownshipCode("03".into()), "关镇".into()),
            ],
            villages: vec![("水头村".into(), TownshipCode("01".into()))],
        }
    }

    fn check(rows: &[RawRow]) -> CheckedList {
        let calendar = Calendar::weekends_only();
        let places = places();
        check_rows(
            rows,
            &ListContext {
                source: LeadSource::Dibao,
                list_date: d(2026, 11, 20),
                fast_lane_contact_days: 3,
                calendar: &calendar,
                places: &places,
            },
        )
    }

    fn row(n: u32, name: &str, id: &str) -> RawRow {
        RawRow {
            row: n,
            name: name.into(),
            id_number: id.into(),
            ..RawRow::default()
        }
    }

    fn only_problem(rows: &[RawRow]) -> RowProblem {
        let c = check(rows);
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        c.problems[0].clone()
    }

    #[test]
    fn a_sound_row_becomes_a_fast_lane_lead_due_in_three_working_days() {
        let c = check(&[row(2, "李国华", &id(d(1980, 3, 1), 123))]);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let lead = &c.leads[0];
        assert_eq!(lead.row, 2);
        assert_eq!(lead.sex, Sex::Male);
        assert!(lead.fast_lane());
        // Friday 2026-11-20: Mon 23, Tue 24, Wed 25.
        assert_eq!(lead.contact_deadline, Some(d(2026, 11, 25)));
        assert!(!lead.is_overdue(d(2026, 11, 25)));
        assert!(lead.is_overdue(d(2026, 11, 26)));
        assert_eq!(lead.comparison_note(), "民政低保名单 2026-11 有此人");
    }

    #[test]
    fn the_contact_deadline_skips_the_shipped_holidays() {
        // National Day 2026 on the shipped calendar: 10-01..10-07 off and Sat 10-10
        // worked, so a list dated Wed 09-30 is due on 10-08, 10-09, 10-10.
        let c = Calendar::default();
        assert_eq!(contact_deadline(&c, d(2026, 9, 30), 3), d(2026, 10, 10));
        assert_eq!(
            contact_deadline(&Calendar::weekends_only(), d(2026, 9, 30), 3),
            d(2026, 10, 5)
        );
    }

    #[test]
    fn registration_lists_are_not_fast_lane() {
        assert!(!LeadSource::RegisteredUnemployed.fast_lane());
        assert!(LeadSource::Disabled.fast_lane());
        assert_eq!(LeadSource::parse("残联持证"), Some(LeadSource::Disabled));
    }

    #[test]
    fn a_bad_check_digit_is_refused_with_its_row() {
        let good = id(d(1980, 3, 1), 123);
        let bad = format!(
            "{}{}",
            &good[..17],
            if good.ends_with('0') { '1' } else { '0' }
        );
        let p = only_problem(&[row(7, "李国华", &bad)]);
        assert_eq!(p.kind, ProblemKind::IdCheckDigit);
        assert!(p.to_string().starts_with("第 7 行："), "{p}");
        assert!(p.message.contains("校验码错误"), "{p}");
    }

    #[test]
    fn finding_15_a_valid_number_born_in_1880_is_past_working_age_not_a_bad_date() {
        let p = only_problem(&[row(5, "李老汉", "440524188001010014")]);
        assert_eq!(p.kind, ProblemKind::PastWorkingAge);
        assert_eq!(p.kind.label(), "已超过法定劳动年龄");
        assert!(p.message.contains("1880年出生"), "{p}");
        assert!(!p.to_string().contains("出生日期无效"), "{p}");
        assert!(p.kind.refuses_row());
    }

    #[test]
    fn an_impossible_birth_date_is_refused() {
        let first17 = "36073119800230123";
        let s = format!("{first17}{}", check_digit(first17));
        assert_eq!(
            only_problem(&[row(3, "王芳", &s)]).kind,
            ProblemKind::IdBirthDate
        );
        let p = only_problem(&[RawRow {
            cancelled_on: "2026-02-30".into(),
            ..row(4, "王芳", &id(d(1980, 3, 1), 124))
        }]);
        assert_eq!(p.kind, ProblemKind::BadDate);
        assert!(p.message.contains("注销日期"), "{p}");
    }

    #[test]
    fn a_15_digit_number_is_converted_and_marked() {
        // 360731 800301 123 → 360731 19800301 123 + check.
        let c = check(&[row(2, "李国华", "360731800301123")]);
        assert_eq!(c.leads[0].id_number.as_str(), id(d(1980, 3, 1), 123));
        assert!(c.leads[0].converted_from_15);
        assert_eq!(c.problems[0].kind, ProblemKind::Converted15);
        assert!(!c.problems[0].kind.refuses_row());
    }

    #[test]
    fn numbers_mangled_by_excel_are_refused_with_how_to_export_as_text() {
        for mangled in ["3.60731E+17", "360731198003011000", "360731198003011230.0"] {
            let p = only_problem(&[row(5, "李国华", mangled)]);
            assert_eq!(p.kind, ProblemKind::IdMangledByExcel, "{mangled}");
            assert!(p.message.contains("文本"), "{p}");
        }
        let p = only_problem(&[RawRow {
            id_was_number: true,
            ..row(6, "李国华", &id(d(1980, 3, 1), 123))
        }]);
        assert_eq!(p.kind, ProblemKind::IdMangledByExcel);
    }

    #[test]
    fn lower_case_x_full_width_digits_and_spaces_are_corrected_and_noted() {
        let first17 = "36010219880612005";
        assert_eq!(check_digit(first17), 'X');
        let full: String = first17
            .chars()
            .map(|c| char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap())
            .collect();
        for raw in [
            format!("{first17}x"),
            format!("{full}X"),
            format!("{first17}X  "),
        ] {
            let c = check(&[row(2, "王芳 ", &raw)]);
            assert_eq!(c.leads.len(), 1, "{raw}");
            assert_eq!(c.leads[0].id_number.as_str(), format!("{first17}X"));
            assert_eq!(c.leads[0].name, "王芳");
            assert!(c.problems.iter().all(|p| p.kind == ProblemKind::Normalised));
            assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
        }
    }

    #[test]
    fn empty_rows_are_skipped_and_duplicates_keep_the_first() {
        let a = id(d(1980, 3, 1), 123);
        let c = check(&[
            row(2, "李国华", &a),
            RawRow {
                row: 3,
                ..RawRow::default()
            },
            row(4, "李国华", &a),
        ]);
        assert_eq!(c.leads.len(), 1);
        assert_eq!(c.leads[0].row, 2);
        let kinds: Vec<_> = c.problems.iter().map(|p| (p.row, p.kind)).collect();
        assert_eq!(
            kinds,
            [(3, ProblemKind::EmptyRow), (4, ProblemKind::Duplicate)]
        );
        assert!(c.problems[1].message.contains("第 2 行"));
    }

    #[test]
    fn names_with_digits_or_control_characters_are_refused() {
        let a = id(d(1980, 3, 1), 123);
        assert_eq!(
            only_problem(&[row(2, "李国华2", &a)]).kind,
            ProblemKind::BadName
        );
        assert_eq!(
            only_problem(&[row(2, "李国华２", &a)]).kind,
            ProblemKind::BadName
        );
        assert_eq!(
            only_problem(&[row(2, "李\u{7}国华", &a)]).kind,
            ProblemKind::BadName
        );
        assert_eq!(
            only_problem(&[row(2, "", &a)]).kind,
            ProblemKind::MissingName
        );
        assert_eq!(
            only_problem(&[row(2, "李国华", "")]).kind,
            ProblemKind::MissingId
        );
    }

    #[test]
    fn the_township_comes_from_the_column_the_address_or_the_village() {
        let p = places();
        let t = |s: &str| Some(TownshipCode(s.into()));
        assert_eq!(p.township_of("贡江镇", "", ""), t("01"));
        assert_eq!(p.township_of("", "于都县城关镇东门路3号", ""), t("02"));
        assert_eq!(p.township_of("", "于都县关镇下街", ""), t("03"));
        assert_eq!(p.township_of("", "", "水头村"), t("01"));
        assert_eq!(p.township_of("", "某县水头村二组", ""), t("01"));
        assert_eq!(p.township_of("", "赣州市某路", "某村"), None);
    }

    #[test]
    fn a_disposition_is_dated_within_the_lead_and_refusals_say_why() {
        let mut lead = check(&[row(2, "李国华", &id(d(1980, 3, 1), 123))]).leads[0].clone();
        let today = d(2026, 11, 26);
        assert!(matches!(
            lead.dispose(Disposition::Contacted, d(2026, 11, 19), "", today),
            Err(DispositionError::BeforeList { .. })
        ));
        assert!(
            lead.dispose(Disposition::Contacted, d(2026, 11, 27), "", today)
                .is_err()
        );
        assert_eq!(
            lead.dispose(Disposition::Applied, today, "", today),
            Err(DispositionError::AppliedByIntake)
        );
        assert_eq!(
            lead.dispose(Disposition::Refused, today, " ", today),
            Err(DispositionError::NoteNeeded("本人拒绝"))
        );
        lead.dispose(
            Disposition::Contacted,
            d(2026, 11, 24),
            "电话联系，约下周来窗口",
            today,
        )
        .unwrap();
        assert_eq!(lead.disposition, Disposition::Contacted);
        assert_eq!(lead.disposition_on, Some(d(2026, 11, 24)));
        assert!(!lead.is_overdue(today), "a contacted lead is not overdue");
    }

    #[test]
    fn a_cancelled_registration_is_recognised_by_date_or_status() {
        let mut f = RowFacts::default();
        assert!(!f.registration_cancelled());
        f.registration_status = Some("已注销".into());
        assert!(f.registration_cancelled());
        let f = RowFacts {
            cancelled_on: Some(d(2026, 10, 1)),
            ..RowFacts::default()
        };
        assert!(f.registration_cancelled());
    }
}
