//! 登记申请 at the counter (第(一)(二)条): a person registered into a new or an existing
//! household, and — in the same sitting — registered unemployed and applying for assistance
//! (R-RECOG-2). Like the follow-up form, it is text as typed, checked field by field; age,
//! sex and "4050" come from the ID number and are shown, never typed (R-AGE-4050).

use super::category::{Category, Evidence, RecordedCategory, is_4050};
use super::followup::WorkStatus;
use super::form::{
    CodeTable, Coded, FieldKind, FieldTexts, FormField, TypedForm, Willing, format_date,
    parse_date, pick, pick_coded, position, pressed, shown,
};
use super::id_number::{IdNumber, Sex, age_on};
use super::person::{LabourCapacity, Relation};
use super::phone::parse_phone;
use super::retirement::{FormerRetirementClass, is_working_age};
use super::settings::Settings;
use super::text::clean_line;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IntakeField {
    IdNumber,
    Name,
    Phone,
    Apply,
    Household,
    MemberId,
    Township,
    Village,
    Address,
    Relation,
    FormerClass,
    Labour,
    Willing,
    WorkStatus,
    UnemployedSince,
    Category1,
    Document1,
    Issuer1,
    Category2,
    Document2,
    Issuer2,
    BusinessIncome,
}

/// 经营性、财产性收入 of a household opened now: with it the household is never a
/// zero-employment household (R-ZERO-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusinessIncome(pub bool);

impl Coded for BusinessIncome {
    const ALL: &'static [Self] = &[BusinessIncome(false), BusinessIncome(true)];
    fn code_label(self) -> &'static str {
        if self.0 { "有" } else { "无" }
    }
}

/// 家庭: a household opened now, or one already on file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HouseholdKind {
    New,
    Join,
}

impl Coded for HouseholdKind {
    const ALL: &'static [Self] = &[HouseholdKind::New, HouseholdKind::Join];
    fn code_label(self) -> &'static str {
        match self {
            HouseholdKind::New => "新建家庭",
            HouseholdKind::Join => "加入已登记的家庭",
        }
    }
}

impl IntakeField {
    /// The fields in the order the form shows them.
    pub const ALL: [IntakeField; 22] = [
        IntakeField::IdNumber,
        IntakeField::Name,
        IntakeField::Phone,
        IntakeField::Apply,
        IntakeField::Household,
        IntakeField::MemberId,
        IntakeField::Township,
        IntakeField::Village,
        IntakeField::Address,
        IntakeField::BusinessIncome,
        IntakeField::Relation,
        IntakeField::FormerClass,
        IntakeField::Labour,
        IntakeField::Willing,
        IntakeField::WorkStatus,
        IntakeField::UnemployedSince,
        IntakeField::Category1,
        IntakeField::Document1,
        IntakeField::Issuer1,
        IntakeField::Category2,
        IntakeField::Document2,
        IntakeField::Issuer2,
    ];

    /// The fields in the order a draft keeps their text: a field added later goes last, so
    /// a draft kept by an older program reads back with it empty.
    const STORED: [IntakeField; 22] = [
        IntakeField::IdNumber,
        IntakeField::Name,
        IntakeField::Phone,
        IntakeField::Apply,
        IntakeField::Household,
        IntakeField::MemberId,
        IntakeField::Township,
        IntakeField::Village,
        IntakeField::Address,
        IntakeField::Relation,
        IntakeField::FormerClass,
        IntakeField::Labour,
        IntakeField::Willing,
        IntakeField::WorkStatus,
        IntakeField::UnemployedSince,
        IntakeField::Category1,
        IntakeField::Document1,
        IntakeField::Issuer1,
        IntakeField::Category2,
        IntakeField::Document2,
        IntakeField::Issuer2,
        IntakeField::BusinessIncome,
    ];

    pub fn index(self) -> usize {
        position(self, &IntakeField::STORED)
    }

    pub fn label(self) -> &'static str {
        match self {
            IntakeField::IdNumber => "身份证号",
            IntakeField::Name => "姓名",
            IntakeField::Phone => "联系电话",
            IntakeField::Apply => "申请援助",
            IntakeField::Household => "家庭",
            IntakeField::MemberId => "家庭成员证号",
            IntakeField::Township => "乡镇(街道)",
            IntakeField::Village => "村(社区)",
            IntakeField::Address => "住址",
            IntakeField::BusinessIncome => "经营财产收入",
            IntakeField::Relation => "与户主关系",
            IntakeField::FormerClass => "原退休年龄",
            IntakeField::Labour => "劳动能力",
            IntakeField::Willing => "就业意愿",
            IntakeField::WorkStatus => "就业状态",
            IntakeField::UnemployedSince => "失业登记日期",
            IntakeField::Category1 => "人员类别一",
            IntakeField::Document1 => "  证明文号",
            IntakeField::Issuer1 => "  发证机关",
            IntakeField::Category2 => "人员类别二",
            IntakeField::Document2 => "  证明文号",
            IntakeField::Issuer2 => "  发证机关",
        }
    }

    pub fn kind(self) -> FieldKind {
        match self {
            // More than 18 is taken as typed, so an over-long paste reaches the check and
            // is refused by name instead of being cut to 18 and accepted (finding 7).
            IntakeField::IdNumber | IntakeField::MemberId => FieldKind::Text { max_chars: 24 },
            IntakeField::Name => FieldKind::Text { max_chars: 20 },
            // `+86 139 0797 0001` and `0797-81234567-801` are 17 and 17 characters.
            IntakeField::Phone => FieldKind::Text { max_chars: 24 },
            IntakeField::Apply => FieldKind::Code(CodeTable::of::<bool>()),
            IntakeField::Household => FieldKind::Code(CodeTable::of::<HouseholdKind>()),
            IntakeField::Township => FieldKind::Text { max_chars: 10 },
            IntakeField::Village => FieldKind::Text { max_chars: 20 },
            IntakeField::Address => FieldKind::Text { max_chars: 40 },
            IntakeField::BusinessIncome => FieldKind::Code(CodeTable::of::<BusinessIncome>()),
            IntakeField::Relation => FieldKind::Code(CodeTable::of::<Relation>()),
            IntakeField::FormerClass => FieldKind::Code(CodeTable::of::<FormerRetirementClass>()),
            IntakeField::Labour => FieldKind::Code(CodeTable::of::<LabourCapacity>()),
            IntakeField::Willing => FieldKind::Code(CodeTable::of::<Willing>()),
            IntakeField::WorkStatus => FieldKind::Code(CodeTable::of::<WorkStatus>()),
            IntakeField::UnemployedSince => FieldKind::Date,
            IntakeField::Category1 | IntakeField::Category2 => {
                FieldKind::Code(CodeTable::of::<Category>())
            }
            IntakeField::Document1
            | IntakeField::Document2
            | IntakeField::Issuer1
            | IntakeField::Issuer2 => FieldKind::Text { max_chars: 30 },
        }
    }
}

impl FormField for IntakeField {
    fn label(self) -> &'static str {
        IntakeField::label(self)
    }

    fn refuses_overflow(self) -> bool {
        matches!(self, IntakeField::IdNumber | IntakeField::MemberId)
    }

    fn kind(self) -> FieldKind {
        IntakeField::kind(self)
    }

    fn hint(self) -> String {
        match self {
            IntakeField::IdNumber | IntakeField::MemberId => "18位，末位可为X".into(),
            IntakeField::Township => "乡镇（街道）名称".into(),
            _ => self.kind().hint(),
        }
    }
}

/// Where the person lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HouseholdChoice {
    /// A household opened now; the township as typed (a name or a code).
    New {
        township: String,
        village: String,
        address: String,
        /// 经营性、财产性收入 (R-ZERO-1).
        business_income: bool,
    },
    /// The household of a person already registered.
    Join { member: IdNumber },
}

/// A checked intake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntakeAnswers {
    pub id_number: IdNumber,
    pub name: String,
    pub phone: String,
    pub apply: bool,
    pub household: HouseholdChoice,
    pub relation: Relation,
    pub former_class: FormerRetirementClass,
    pub labour: LabourCapacity,
    pub willing_to_work: bool,
    pub work_status: WorkStatus,
    pub unemployed_since: Option<NaiveDate>,
    pub categories: Vec<RecordedCategory>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeError {
    pub field: IntakeField,
    pub message: String,
}

/// The intake form's text, field by field, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeDraft {
    values: FieldTexts,
}

impl IntakeDraft {
    /// A new intake with the counter's usual answers: applying, a new household, head of
    /// it, fully able, willing, out of work, registered unemployed today (R-RECOG-2). A
    /// township caseworker's own township is filled in.
    pub fn blank(today: NaiveDate, township: Option<&str>) -> Self {
        let mut d = Self {
            values: FieldTexts::blank(IntakeField::ALL.len()),
        };
        for (field, value) in [
            (IntakeField::Apply, "1"),
            (IntakeField::Household, "1"),
            (IntakeField::BusinessIncome, "1"),
            (IntakeField::Relation, "1"),
            (IntakeField::FormerClass, "1"),
            (IntakeField::Labour, "1"),
            (IntakeField::Willing, "1"),
            (IntakeField::WorkStatus, "1"),
        ] {
            d.set(field, value.to_string());
        }
        d.set(IntakeField::UnemployedSince, format_date(today));
        if let Some(t) = township {
            d.set(IntakeField::Township, t.to_string());
        }
        d
    }

    pub fn get(&self, field: IntakeField) -> &str {
        self.values.get(field.index())
    }

    pub fn set(&mut self, field: IntakeField, value: String) {
        self.values.set(field.index(), value);
    }

    pub fn display_value(&self, field: IntakeField) -> String {
        shown(field.kind(), self.get(field))
    }

    pub fn press_code(&mut self, field: IntakeField, key: char) -> bool {
        self.press_key(field, key)
    }

    fn id_number(&self) -> Option<IdNumber> {
        IdNumber::parse(self.get(IntakeField::IdNumber)).ok()
    }

    /// The relation the household choice suggests: 户主 for a new household; none for one
    /// joined, which most often has its head already (一户一档: one head a household), so
    /// the caseworker picks it rather than accepting a second 户主 by default.
    fn default_relation(&mut self) {
        let relation = self.get(IntakeField::Relation);
        if self.joins() && relation == "1" {
            self.set(IntakeField::Relation, String::new());
        } else if !self.joins() && relation.is_empty() {
            self.set(IntakeField::Relation, "1".into());
        }
    }

    fn joins(&self) -> bool {
        pick_coded(self.get(IntakeField::Household)) == Some(HouseholdKind::Join)
    }

    fn in_work(&self) -> bool {
        pick(self.get(IntakeField::WorkStatus), &WorkStatus::ALL)
            .is_some_and(WorkStatus::is_in_work)
    }

    /// Fields that do not apply are skipped: the new household's place when joining one,
    /// the former retirement class for men, the registration date when in work, a
    /// category's evidence when no category is chosen.
    pub fn applies(&self, field: IntakeField) -> bool {
        match field {
            IntakeField::MemberId => self.joins(),
            IntakeField::Township
            | IntakeField::Village
            | IntakeField::Address
            | IntakeField::BusinessIncome => !self.joins(),
            IntakeField::FormerClass => self.id_number().is_none_or(|id| id.sex() == Sex::Female),
            IntakeField::UnemployedSince => !self.in_work(),
            IntakeField::Document1 | IntakeField::Issuer1 => {
                !self.get(IntakeField::Category1).is_empty()
            }
            IntakeField::Document2 | IntakeField::Issuer2 => {
                !self.get(IntakeField::Category2).is_empty()
            }
            _ => true,
        }
    }

    /// What the ID number and the registration date say, for the line under the form:
    /// age, sex and whether the person counts as "4050".
    pub fn derived(&self, today: NaiveDate, settings: &Settings) -> Option<String> {
        let id = self.id_number()?;
        let birth = id.birth_date();
        let since = (!self.in_work())
            .then(|| parse_date(self.get(IntakeField::UnemployedSince)).ok())
            .flatten();
        let sex = match id.sex() {
            Sex::Male => "男",
            Sex::Female => "女",
        };
        let mut line = format!("{sex}，{}岁", age_on(birth, today));
        if is_4050(birth, id.sex(), since, today, settings) {
            line.push_str("，属“4050”人员");
        }
        Some(line)
    }

    pub fn validate(&self, today: NaiveDate) -> Result<IntakeAnswers, Vec<IntakeError>> {
        use IntakeField as F;
        let mut errors: Vec<IntakeError> = Vec::new();
        let mut fail = |field: IntakeField, message: String| {
            errors.push(IntakeError { field, message });
        };
        let id_number = match IdNumber::parse_at(self.get(F::IdNumber), today) {
            Ok(id) => Some(id),
            Err(e) => {
                fail(F::IdNumber, e.to_string());
                None
            }
        };
        let name = clean_line(self.get(F::Name), 20);
        if name.chars().count() < 2 {
            fail(F::Name, "请填写姓名（至少两个字）".into());
        } else if name.chars().any(|c| c.is_ascii_digit()) {
            fail(F::Name, "姓名不能含数字".into());
        }
        let apply = self.get(F::Apply) != "2";
        let typed_phone = self.get(F::Phone).trim();
        let phone = if typed_phone.is_empty() {
            if apply {
                fail(F::Phone, "申请人须留联系电话，回访要用".into());
            }
            String::new()
        } else {
            match parse_phone(typed_phone) {
                Ok(phone) => phone,
                Err(e) => {
                    fail(F::Phone, e.to_string());
                    String::new()
                }
            }
        };
        let household = if self.joins() {
            match IdNumber::parse(self.get(F::MemberId)) {
                Ok(member) => Some(HouseholdChoice::Join { member }),
                Err(e) => {
                    fail(
                        F::MemberId,
                        format!("请填写该家庭已登记成员的身份证号：{e}"),
                    );
                    None
                }
            }
        } else {
            let township = clean_line(self.get(F::Township), 10);
            let village = clean_line(self.get(F::Village), 20);
            if township.is_empty() {
                fail(F::Township, "请填写乡镇（街道）名称".into());
            }
            if village.is_empty() {
                fail(F::Village, "请填写村（社区）".into());
            }
            let business_income = match self.get(F::BusinessIncome).trim() {
                // A draft kept before the field existed: none, as was assumed then.
                "" => false,
                raw => match pick_coded::<BusinessIncome>(raw) {
                    Some(b) => b.0,
                    None => {
                        fail(F::BusinessIncome, "请选择有无经营性或财产性收入".into());
                        false
                    }
                },
            };
            Some(HouseholdChoice::New {
                township,
                village,
                address: clean_line(self.get(F::Address), 40),
                business_income,
            })
        };
        fn code<T: Coded>(
            raw: &str,
            field: IntakeField,
            what: &str,
            fail: &mut impl FnMut(IntakeField, String),
        ) -> Option<T> {
            let found = pick_coded(raw);
            if found.is_none() {
                fail(field, format!("请选择{what}"));
            }
            found
        }
        let relation: Option<Relation> =
            code(self.get(F::Relation), F::Relation, "与户主关系", &mut fail);
        let former_class = if self.applies(F::FormerClass) {
            code(
                self.get(F::FormerClass),
                F::FormerClass,
                "原退休年龄",
                &mut fail,
            )
        } else {
            Some(FormerRetirementClass::Fifty)
        };
        let labour: Option<LabourCapacity> =
            code(self.get(F::Labour), F::Labour, "劳动能力", &mut fail);
        let willing =
            code::<Willing>(self.get(F::Willing), F::Willing, "就业意愿", &mut fail).map(|w| w.0);
        let work_status: Option<WorkStatus> = code(
            self.get(F::WorkStatus),
            F::WorkStatus,
            "就业状态",
            &mut fail,
        );
        let unemployed_since = if self.applies(F::UnemployedSince) {
            match parse_date(self.get(F::UnemployedSince)) {
                Ok(d) if d > today => {
                    fail(F::UnemployedSince, "失业登记日期晚于今天".into());
                    None
                }
                Ok(d) => Some(d),
                Err(e) if apply => {
                    fail(F::UnemployedSince, e.to_string());
                    None
                }
                Err(_) => None,
            }
        } else {
            None
        };
        let mut categories: Vec<RecordedCategory> = Vec::new();
        for (cat, doc, issuer) in [
            (F::Category1, F::Document1, F::Issuer1),
            (F::Category2, F::Document2, F::Issuer2),
        ] {
            let raw = self.get(cat).trim();
            if raw.is_empty() {
                continue;
            }
            let Some(category) = pick_coded::<Category>(raw) else {
                fail(cat, "请选择人员类别".into());
                continue;
            };
            let document_no = clean_line(self.get(doc), 30);
            let issued_by = clean_line(self.get(issuer), 30);
            if document_no.is_empty() {
                fail(doc, format!("{}须填写证明文号", category.label()));
            }
            if issued_by.is_empty() {
                fail(issuer, "请填写发证（认定）机关".into());
            }
            if categories.iter().any(|c| c.category == category) {
                fail(cat, "与类别一重复".into());
                continue;
            }
            categories.push(RecordedCategory {
                category,
                evidence: Evidence {
                    document_no,
                    issued_by,
                },
            });
        }
        // An applicant is a registered unemployed person of working age, able and willing
        // to work (第(一)条).
        if apply {
            if work_status.is_some_and(WorkStatus::is_in_work) {
                fail(
                    F::WorkStatus,
                    "申请援助须为登记失业人员，就业状态应为未就业".into(),
                );
            }
            if labour == Some(LabourCapacity::None) {
                fail(F::Labour, "无劳动能力的人员不属于就业援助对象".into());
            }
            if willing == Some(false) {
                fail(F::Willing, "申请就业援助须有就业意愿".into());
            }
            if let (Some(id), Some(class)) = (&id_number, former_class)
                && !is_working_age(id.birth_date(), id.sex(), class, today)
            {
                let birth = id.birth_date();
                let age = age_on(birth, today);
                let why = if age < 16 {
                    "未满16周岁"
                } else {
                    "已超过法定劳动年龄（已到退休年龄）"
                };
                fail(
                    F::IdNumber,
                    format!(
                        "{}年出生，{age}岁，{why}，不在法定劳动年龄内，不能申请就业援助",
                        birth.year()
                    ),
                );
            }
        }
        match (
            id_number,
            household,
            relation,
            former_class,
            labour,
            willing,
            work_status,
        ) {
            (
                Some(id_number),
                Some(household),
                Some(relation),
                Some(former_class),
                Some(labour),
                Some(willing_to_work),
                Some(work_status),
            ) if errors.is_empty() => Ok(IntakeAnswers {
                id_number,
                name,
                phone,
                apply,
                household,
                relation,
                former_class,
                labour,
                willing_to_work,
                work_status,
                unemployed_since,
                categories,
            }),
            _ => Err(errors),
        }
    }
}

impl TypedForm for IntakeDraft {
    type Field = IntakeField;
    type Context = NaiveDate;
    type Answers = IntakeAnswers;

    fn fields(&self) -> &'static [IntakeField] {
        &IntakeField::ALL
    }

    fn text(&self, field: IntakeField) -> &str {
        self.get(field)
    }

    fn set_text(&mut self, field: IntakeField, value: String) {
        self.set(field, value);
    }

    fn applies(&self, field: IntakeField) -> bool {
        IntakeDraft::applies(self, field)
    }

    fn check(&self, today: &NaiveDate) -> Result<IntakeAnswers, Vec<(IntakeField, String)>> {
        self.validate(*today)
            .map_err(|errors| errors.into_iter().map(|e| (e.field, e.message)).collect())
    }

    fn press_key(&mut self, field: IntakeField, key: char) -> bool {
        let Some(value) = pressed(field.kind(), self.get(field), key) else {
            return false;
        };
        self.set(field, value);
        if field == IntakeField::Household {
            self.default_relation();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
    }

    /// A woman born 1983-05-04, registered unemployed since 2026-03-01.
    fn applicant() -> IntakeDraft {
        let mut d = IntakeDraft::blank(today(), Some("贡江镇"));
        let id =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1983, 5, 4).unwrap(), 124).unwrap();
        d.set(IntakeField::IdNumber, id.as_str().into());
        d.set(IntakeField::Name, "刘春花".into());
        d.set(IntakeField::Phone, "13907970001".into());
        d.set(IntakeField::Village, "长征村".into());
        d.set(IntakeField::UnemployedSince, "2026-03-01".into());
        d
    }

    #[test]
    fn a_complete_intake_checks_out_and_4050_is_derived() {
        let d = applicant();
        let a = d.validate(today()).unwrap();
        assert!(a.apply);
        assert_eq!(a.name, "刘春花");
        assert_eq!(a.work_status, WorkStatus::Unemployed);
        let line = d.derived(today(), &Settings::default()).unwrap();
        assert_eq!(line, "女，43岁，属“4050”人员");
        let mut recent = d.clone();
        recent.set(IntakeField::UnemployedSince, "2026-06-01".into());
        let line = recent.derived(today(), &Settings::default()).unwrap();
        assert_eq!(line, "女，43岁");
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let mut d = applicant();
        d.set(IntakeField::IdNumber, "36073119830504124".into());
        d.set(IntakeField::Phone, "1390797abc".into());
        d.set(IntakeField::Category1, "2".into());
        d.set(IntakeField::UnemployedSince, "2026-02-30".into());
        let errors = d.validate(today()).unwrap_err();
        let fields: Vec<IntakeField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                IntakeField::IdNumber,
                IntakeField::Phone,
                IntakeField::UnemployedSince,
                IntakeField::Document1,
                IntakeField::Issuer1
            ],
            "{errors:?}"
        );
        assert!(errors[0].message.contains("18位"));
        assert!(errors[2].message.contains("没有这一天"));
        assert!(errors[3].message.contains("低保人员须填写证明文号"));
    }

    #[test]
    fn an_applicant_must_be_out_of_work_able_willing_and_of_working_age() {
        let mut d = applicant();
        d.press_code(IntakeField::WorkStatus, '2');
        d.press_code(IntakeField::Willing, '2');
        let errors = d.validate(today()).unwrap_err();
        assert!(errors.iter().any(|e| e.field == IntakeField::WorkStatus));
        assert!(errors.iter().any(|e| e.field == IntakeField::Willing));
        // The same person registered as a household member, not applying: fine.
        d.press_code(IntakeField::Apply, '2');
        assert!(d.validate(today()).is_ok());

        let mut old = applicant();
        let id =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1960, 1, 1).unwrap(), 11).unwrap();
        old.set(IntakeField::IdNumber, id.as_str().into());
        let errors = old.validate(today()).unwrap_err();
        assert!(
            errors[0].message.contains("不在法定劳动年龄内"),
            "{errors:?}"
        );
    }

    #[test]
    fn finding_15_an_applicant_past_working_age_is_told_the_birth_year() {
        let mut old = applicant();
        old.set(IntakeField::IdNumber, "440524188001010014".into());
        let errors = old.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, IntakeField::IdNumber);
        let m = &errors[0].message;
        assert!(
            m.contains("1880年出生") && m.contains("超过法定劳动年龄"),
            "{m}"
        );
        let mut old = applicant();
        let id =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1950, 3, 1).unwrap(), 11).unwrap();
        old.set(IntakeField::IdNumber, id.as_str().into());
        let m = old.validate(today()).unwrap_err()[0].message.clone();
        assert!(
            m.contains("1950年出生") && m.contains("超过法定劳动年龄"),
            "{m}"
        );
        // An impossible date stays an invalid date.
        let mut bad = applicant();
        bad.set(IntakeField::IdNumber, "360731198302301241".into());
        let m = bad.validate(today()).unwrap_err()[0].message.clone();
        assert!(m.contains("出生日期无效"), "{m}");
    }

    #[test]
    fn finding_15_an_id_field_takes_a_long_paste_and_refuses_it() {
        let mut d = applicant();
        let pasted = format!("{}5", d.get(IntakeField::IdNumber));
        assert!(IntakeField::IdNumber.kind().max_chars() > 18);
        d.set(IntakeField::IdNumber, pasted);
        let errors = d.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, IntakeField::IdNumber);
        assert!(errors[0].message.contains("只有18位"), "{errors:?}");
    }

    #[test]
    fn finding_3_the_intake_phone_is_a_mobile_or_a_landline() {
        let mut d = applicant();
        d.set(IntakeField::Phone, "360731197804091232".into());
        let errors = d.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, IntakeField::Phone);
        assert!(errors[0].message.contains("手机号"), "{errors:?}");
        d.set(IntakeField::Phone, "+86 139 0797 0001".into());
        assert_eq!(d.validate(today()).unwrap().phone, "13907970001");
        d.set(IntakeField::Phone, "0797-8123456-801".into());
        assert_eq!(d.validate(today()).unwrap().phone, "0797-8123456-801");
        // A household member may leave it empty; an applicant may not.
        d.set(IntakeField::Phone, String::new());
        assert!(d.validate(today()).is_err());
        d.press_code(IntakeField::Apply, '2');
        assert_eq!(d.validate(today()).unwrap().phone, "");
    }

    /// Finding 8 (issue 13): a household opened with business or investment income is not
    /// a zero-employment household; the answer is asked only of a new household.
    #[test]
    fn a_new_household_records_its_business_income() {
        let mut d = applicant();
        assert_eq!(d.display_value(IntakeField::BusinessIncome), "1 无");
        let a = d.validate(today()).unwrap();
        assert!(matches!(
            a.household,
            HouseholdChoice::New {
                business_income: false,
                ..
            }
        ));
        d.press_code(IntakeField::BusinessIncome, '2');
        let a = d.validate(today()).unwrap();
        assert!(matches!(
            a.household,
            HouseholdChoice::New {
                business_income: true,
                ..
            }
        ));
        d.press_code(IntakeField::Household, '2');
        assert!(!d.applies(IntakeField::BusinessIncome));
    }

    /// Finding 2 (issue 13): joining a household no longer answers 户主 by default.
    #[test]
    fn joining_a_household_leaves_the_relation_to_be_chosen() {
        let mut d = applicant();
        assert_eq!(d.get(IntakeField::Relation), "1");
        d.press_code(IntakeField::Household, '2');
        assert_eq!(d.get(IntakeField::Relation), "");
        let head =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(), 13).unwrap();
        d.set(IntakeField::MemberId, head.as_str().into());
        let errors = d.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, IntakeField::Relation);
        assert_eq!(errors[0].message, "请选择与户主关系");
        d.press_code(IntakeField::Relation, '2');
        assert_eq!(d.validate(today()).unwrap().relation, Relation::Spouse);
        // A relation chosen on purpose survives; back to a new household, 户主 again.
        d.press_code(IntakeField::Household, '1');
        assert_eq!(d.get(IntakeField::Relation), "2");
        d.set(IntakeField::Relation, String::new());
        d.press_code(IntakeField::Household, '1');
        assert_eq!(d.get(IntakeField::Relation), "1");
    }

    #[test]
    fn joining_a_household_needs_a_members_id_and_skips_the_address() {
        let mut d = applicant();
        d.press_code(IntakeField::Household, '2');
        assert!(!d.applies(IntakeField::Village));
        assert!(d.applies(IntakeField::MemberId));
        let errors = d.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, IntakeField::MemberId);
        let head =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(), 13).unwrap();
        d.set(IntakeField::MemberId, head.as_str().into());
        d.press_code(IntakeField::Relation, '3');
        let a = d.validate(today()).unwrap();
        assert_eq!(a.household, HouseholdChoice::Join { member: head });
        // A man has no former retirement class to give.
        let man =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(), 15).unwrap();
        d.set(IntakeField::IdNumber, man.as_str().into());
        assert!(!d.applies(IntakeField::FormerClass));
    }
}
