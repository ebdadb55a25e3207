//! `yuanzhu check`: the whole store read once and judged. Every record of every tree must
//! decode; every derived tree (`summaries`, `household_cases`, `id_numbers`,
//! `exit_findings`) must agree with the records it is derived from; the audit chain must
//! be whole; and every primary record must be exactly what the newest audit entry for its
//! key says was written, so a record changed behind the program's back (a hex editor on
//! the sled files) is found.
//!
//! It is a reader only: it never repairs, because a repair would hide what happened.

use super::audit::{AuditEntry, AuditHead, Verification, hash_record};
use super::codec::{Versioned, decode};
use super::derived::DerivedCheck;
use super::exit_index::EXIT_INDEX;
use super::queue_index::{QUEUE_INDEX, QUEUE_LOG_PREFIX, QueueLogEntry};
use super::stats_index::STATS_INDEX;
use super::supervise_index::SUPERVISE_INDEX;
use super::table::{
    ACCOUNTS, AUDIT, CASES, DISPOSITIONS, DRAFTS, FOLLOWUPS, HOUSEHOLD_CASES, HOUSEHOLDS, Handle,
    Holds, ID_NUMBERS, IMPORTS, LEAD_IDS, LEAD_STAGING, LEADS, LEDGERS, META, PERSONS, SUMMARIES,
};
use super::{
    AUDIT_HEAD_KEY, COUNTY_KEY, County, DATA_SEQ_KEY, DataSeq, Store, followup_key, pair_key,
};
use crate::domain::followup_form::FollowUpDraft;
use crate::domain::intake::IntakeDraft;
use crate::domain::lead::Lead;
use crate::domain::ledger::Ledger;
use crate::domain::supervise::disposition::FindingDisposition;
use crate::domain::{
    Account, AssistanceCase, CaseId, CaseSummary, FollowUp, Household, HouseholdId, Person,
    PersonId,
};
use sled::Tree;
use std::collections::{BTreeMap, HashMap};

/// At most this many problems are listed; the rest are counted.
const LISTED: usize = 200;

/// The trees whose every write is an audit entry: their records must match the chain.
const AUDITED: [&str; 9] = [
    LEADS.name(),
    DISPOSITIONS.name(),
    PERSONS.name(),
    HOUSEHOLDS.name(),
    CASES.name(),
    FOLLOWUPS.name(),
    ACCOUNTS.name(),
    LEDGERS.name(),
    META.name(),
];

/// What `check` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Records read, per tree, in the order read.
    pub counts: Vec<(String, u64)>,
    /// The audit chain's walk (its `problem`, if any, is also among `problems`).
    pub chain: Option<Verification>,
    /// The first problems found, each naming its tree and key.
    pub problems: Vec<String>,
    /// Problems found beyond those listed.
    pub unlisted: u64,
    /// Things worth knowing that are not damage (an anchor that lags, an unknown tree).
    pub warnings: Vec<String>,
}

impl CheckReport {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, text: String) {
        if self.problems.len() < LISTED {
            self.problems.push(text);
        } else {
            self.unlisted += 1;
        }
    }
}

/// Told how far a check has come: `total` once, then `done` records so far.
pub trait Progress {
    fn total(&mut self, _records: u64) {}
    fn done(&mut self, _records: u64) {}
}

/// No progress shown (the server, tests).
impl Progress for () {}

/// What a record's key says, in words: `persons/7`, `followups/9-31`, `accounts/jingban`.
pub fn key_label(tree: &str, key: &[u8]) -> String {
    let num = |k: &[u8]| k.try_into().map(u64::from_be_bytes).ok();
    let named_by_text = [ACCOUNTS.name(), ID_NUMBERS.name(), META.name()].contains(&tree);
    let text = match (named_by_text, key.len()) {
        (true, _) => String::from_utf8_lossy(key).into_owned(),
        (_, 8) => num(key).map(|n| n.to_string()).unwrap_or_default(),
        (_, 16) => match (num(&key[..8]), num(&key[8..])) {
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => String::new(),
        },
        _ => key.iter().map(|b| format!("{b:02x}")).collect(),
    };
    format!("{tree}/{text}")
}

/// What each case's follow-ups add up to in its summary.
#[derive(Default)]
struct Contacts {
    covered: Vec<crate::domain::year_month::YearMonth>,
    last: Option<chrono::NaiveDate>,
}

/// The newest state the chain records for a key: the hash of its bytes, or deleted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Audited {
    Written([u8; 32]),
    Deleted,
}

struct Walk<'a> {
    store: &'a Store,
    report: CheckReport,
    progress: &'a mut dyn Progress,
    read: u64,
}

impl Walk<'_> {
    fn tick(&mut self) {
        self.read += 1;
        if self.read.is_multiple_of(4096) {
            self.progress.done(self.read);
        }
    }

    /// Decodes every record of `tree` as `T`, handing each sound one to `each`.
    fn records<V: Versioned, T: Holds<V>>(
        &mut self,
        tree: &Handle<T>,
        mut each: impl FnMut(&mut CheckReport, &[u8], &[u8], V),
    ) -> super::Result<()> {
        let name = tree.table.name();
        let mut n = 0u64;
        for kv in tree.iter() {
            let (k, v) = kv?;
            n += 1;
            self.tick();
            match decode::<V>(&v) {
                Ok(value) => each(&mut self.report, &k, &v, value),
                Err(e) => self
                    .report
                    .problem(format!("{} 无法读取：{e}", key_label(name, &k))),
            }
        }
        self.report.counts.push((name.to_string(), n));
        Ok(())
    }

    /// What checking a derived tree (an index, counters) found, taken into the report.
    fn derived(&mut self, tree: &str, check: DerivedCheck) {
        self.read += check.count;
        self.report.counts.push((tree.into(), check.count));
        self.report.warnings.extend(check.warnings);
        for p in check.problems {
            self.report.problem(p);
        }
    }
}

impl Store {
    /// Reads and judges the whole store (see the module's documentation), the statistics'
    /// open months taken as of today by the clock, in China Standard Time.
    pub fn check(&self, progress: &mut dyn Progress) -> super::Result<CheckReport> {
        let cst = chrono::FixedOffset::east_opt(8 * 3600);
        let now = chrono::Utc::now();
        let today = cst.map_or(now.date_naive(), |o| now.with_timezone(&o).date_naive());
        self.check_on(progress, today)
    }

    /// [`Store::check`] with the statistics' open months those of `today` (the service's
    /// day, which may be fixed by `--today`).
    pub fn check_on(
        &self,
        progress: &mut dyn Progress,
        today: chrono::NaiveDate,
    ) -> super::Result<CheckReport> {
        let mut total = 0u64;
        for tree in self.trees() {
            total += tree.len() as u64;
        }
        progress.total(total);
        let mut walk = Walk {
            store: self,
            report: CheckReport::default(),
            progress,
            read: 0,
        };
        for name in self.db.tree_names() {
            let name = String::from_utf8_lossy(&name).into_owned();
            if name != "__sled__default" && !KNOWN_TREES.contains(&name.as_str()) {
                walk.report
                    .warnings
                    .push(format!("数据库中有本程序不认识的表 {name}（未检查）"));
            }
        }

        let (audited, legacy_bulk) = walk.audit_chain()?;
        let mut persons: HashMap<PersonId, Person> = HashMap::new();
        let mut households: HashMap<HouseholdId, Household> = HashMap::new();
        let mut cases: BTreeMap<CaseId, AssistanceCase> = BTreeMap::new();
        let mut contacts: HashMap<CaseId, Contacts> = HashMap::new();
        let mut primary: Vec<(&'static str, Vec<u8>, [u8; 32])> = Vec::new();
        let mut keep = |name: &'static str, k: &[u8], v: &[u8]| {
            primary.push((name, k.to_vec(), hash_record(v)))
        };

        walk.records::<Person, _>(&self.persons, |r, k, v, p| {
            if k != p.id.to_key() {
                r.problem(format!(
                    "{} 的键与记录中的编号 {} 不符",
                    key_label(PERSONS.name(), k),
                    p.id
                ));
            }
            keep(PERSONS.name(), k, v);
            persons.insert(p.id, p);
        })?;
        walk.records::<Household, _>(&self.households, |r, k, v, h| {
            if k != h.id.to_key() {
                r.problem(format!(
                    "{} 的键与记录中的编号 {} 不符",
                    key_label(HOUSEHOLDS.name(), k),
                    h.id
                ));
            }
            keep(HOUSEHOLDS.name(), k, v);
            households.insert(h.id, h);
        })?;
        walk.records::<AssistanceCase, _>(&self.cases, |r, k, v, c| {
            if k != c.id.to_key() {
                r.problem(format!(
                    "{} 的键与记录中的编号 {} 不符",
                    key_label(CASES.name(), k),
                    c.id
                ));
            }
            keep(CASES.name(), k, v);
            cases.insert(c.id, c);
        })?;
        walk.records::<FollowUp, _>(&self.followups, |r, k, v, f| {
            if k != followup_key(f.case, f.id) {
                r.problem(format!("{} 的键与记录不符", key_label(FOLLOWUPS.name(), k)));
            }
            keep(FOLLOWUPS.name(), k, v);
            let c = contacts.entry(f.case).or_default();
            let month = crate::domain::year_month::YearMonth::of(f.answers.date);
            if let Err(at) = c.covered.binary_search(&month) {
                c.covered.insert(at, month);
            }
            if c.last.is_none_or(|last| f.answers.date > last) {
                c.last = Some(f.answers.date);
            }
        })?;
        walk.records::<Account, _>(&self.accounts, |r, k, v, a| {
            if k != a.name.as_bytes() {
                r.problem(format!(
                    "{} 的键与账户名 {} 不符",
                    key_label(ACCOUNTS.name(), k),
                    a.name
                ));
            }
            keep(ACCOUNTS.name(), k, v);
        })?;
        walk.records::<Ledger, _>(&self.ledgers, |_, k, v, _| keep(LEDGERS.name(), k, v))?;
        walk.records::<FindingDisposition, _>(&self.dispositions, |r, k, v, d| {
            if k != d.key.as_bytes() {
                r.problem(format!(
                    "{} 的键与处置记录的发现编号不符",
                    key_label(DISPOSITIONS.name(), k)
                ));
            }
            keep(DISPOSITIONS.name(), k, v);
        })?;
        let mut lead_keys: HashMap<u64, Vec<u8>> = HashMap::new();
        walk.records::<Lead, _>(&self.leads, |r, k, v, lead| {
            if k != lead.key().as_slice() {
                r.problem(format!("{} 的键与线索记录不符", key_label(LEADS.name(), k)));
            }
            if let Some(other) = lead_keys.insert(lead.id, k.to_vec()) {
                r.problem(format!(
                    "{} 与 {} 的线索编号相同（{}）",
                    key_label(LEADS.name(), k),
                    key_label(LEADS.name(), &other),
                    lead.id
                ));
            }
            keep(LEADS.name(), k, v);
        })?;
        walk.lead_index(&lead_keys)?;
        walk.pending_imports()?;
        walk.meta(&mut keep)?;
        walk.drafts()?;
        let mut summaries: HashMap<CaseId, CaseSummary> = HashMap::new();
        walk.records::<CaseSummary, _>(&self.summaries, |_, _, _, s| {
            summaries.insert(s.case, s);
        })?;
        walk.index_trees(&persons, &cases)?;
        walk.derived(EXIT_INDEX.name(), self.check_exit_index()?);
        walk.derived(QUEUE_INDEX.name(), self.check_queue_index()?);
        walk.derived(STATS_INDEX.name(), self.check_stats_index(today)?);
        walk.derived(SUPERVISE_INDEX.name(), self.check_supervise_index()?);

        let report = &mut walk.report;
        against_audit(report, &primary, audited, legacy_bulk);
        households_hold_their_members(report, &households, &persons);
        summaries_follow_their_records(
            report,
            &summaries,
            &cases,
            &persons,
            &households,
            &contacts,
        );
        walk.progress.done(walk.read);
        Ok(walk.report)
    }

    fn trees(&self) -> [&Tree; 21] {
        [
            &self.meta.tree,
            &self.persons.tree,
            &self.households.tree,
            &self.cases.tree,
            &self.summaries.tree,
            &self.followups.tree,
            &self.household_cases.tree,
            &self.id_numbers.tree,
            &self.drafts.tree,
            &self.accounts.tree,
            &self.audit.tree,
            &self.ledgers.tree,
            &self.exit_index.tree,
            &self.leads.tree,
            &self.dispositions.tree,
            &self.lead_staging.tree,
            &self.imports.tree,
            &self.lead_ids.tree,
            &self.queue_index.tree,
            &self.stats_index.tree,
            &self.supervise_index.tree,
        ]
    }
}

const KNOWN_TREES: [&str; 21] = [
    LEAD_IDS.name(),
    LEADS.name(),
    DISPOSITIONS.name(),
    LEAD_STAGING.name(),
    IMPORTS.name(),
    META.name(),
    PERSONS.name(),
    HOUSEHOLDS.name(),
    CASES.name(),
    SUMMARIES.name(),
    FOLLOWUPS.name(),
    HOUSEHOLD_CASES.name(),
    ID_NUMBERS.name(),
    DRAFTS.name(),
    ACCOUNTS.name(),
    AUDIT.name(),
    LEDGERS.name(),
    EXIT_INDEX.name(),
    QUEUE_INDEX.name(),
    STATS_INDEX.name(),
    SUPERVISE_INDEX.name(),
];

impl Walk<'_> {
    /// Walks the chain (as `audit verify` does) and keeps, per audited key, the newest
    /// state the chain records for it.
    /// The second value counts bulk writes of the first record version, which carried no
    /// hashes: the records they wrote cannot be told from records written behind the
    /// program's back.
    #[allow(clippy::type_complexity)] // one map, named where it is used
    fn audit_chain(&mut self) -> super::Result<(HashMap<(String, Vec<u8>), Audited>, u64)> {
        let mut newest: HashMap<(String, Vec<u8>), Audited> = HashMap::new();
        let mut entries = 0u64;
        let mut legacy_bulk = 0u64;
        let mut note = |entry: &AuditEntry| {
            entries += 1;
            if is_legacy_bulk(entry) {
                legacy_bulk += 1;
            }
            for c in &entry.changes {
                if !AUDITED.contains(&c.tree.as_str()) {
                    continue;
                }
                let state = match (&c.old, &c.new) {
                    (_, Some(new)) => Audited::Written(hash_record(new)),
                    (Some(_), None) => Audited::Deleted,
                    // A reveal or a refusal names a record without changing it.
                    (None, None) => continue,
                };
                newest.insert((c.tree.clone(), c.key.clone()), state);
            }
            for bulk in &entry.bulk {
                // A derived tree's bulk build is judged against its records instead.
                if !AUDITED.contains(&bulk.tree.as_str()) {
                    continue;
                }
                for (key, hash) in &bulk.records {
                    newest.insert((bulk.tree.clone(), key.clone()), Audited::Written(*hash));
                }
            }
        };
        let store = self.store;
        let verification = store.walk_audit(&mut note)?;
        self.read += entries;
        if let Some(problem) = &verification.problem {
            self.report.problem(format!("审计链：{problem}"));
        }
        self.report
            .counts
            .push((AUDIT.name().into(), verification.entries));
        self.report.warnings.extend(verification.warnings.clone());
        self.report.chain = Some(verification);
        self.progress.done(self.read);
        if legacy_bulk > 0 {
            self.report.warnings.push(format!(
                "有 {legacy_bulk} 条审计记录是旧版本的批量写入（未记每条记录的哈希），其写入的记录无法与审计逐条比对"
            ));
        }
        Ok((newest, legacy_bulk))
    }

    /// The county record, the audit head and the data sequence: the only keys `meta` may
    /// hold.
    fn meta(&mut self, keep: &mut impl FnMut(&'static str, &[u8], &[u8])) -> super::Result<()> {
        let mut n = 0;
        for kv in self.store.meta.iter() {
            let (k, v) = kv?;
            n += 1;
            self.tick();
            let read = match k.as_ref() {
                COUNTY_KEY => {
                    keep(META.name(), &k, &v);
                    decode::<County>(&v).err()
                }
                AUDIT_HEAD_KEY => decode::<AuditHead>(&v).err(),
                DATA_SEQ_KEY => decode::<DataSeq>(&v).err(),
                k if k.starts_with(QUEUE_LOG_PREFIX) => decode::<QueueLogEntry>(&v).err(),
                _ => {
                    self.report
                        .warnings
                        .push(format!("{} 不是本程序写入的键", key_label(META.name(), &k)));
                    None
                }
            };
            if let Some(e) = read {
                self.report
                    .problem(format!("{} 无法读取：{e}", key_label(META.name(), &k)));
            }
        }
        self.report.counts.push((META.name().into(), n));
        Ok(())
    }

    /// `lead_ids` (lead number → lead key) against the leads, both ways.
    fn lead_index(&mut self, leads: &HashMap<u64, Vec<u8>>) -> super::Result<()> {
        let mut n = 0;
        let mut indexed = 0usize;
        for kv in self.store.lead_ids.iter() {
            let (k, v) = kv?;
            n += 1;
            self.tick();
            let id = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes).ok();
            match id.and_then(|id| leads.get(&id)) {
                Some(key) if key.as_slice() == v.as_ref() => indexed += 1,
                _ => self.report.problem(format!(
                    "{} 指向不存在或编号不符的线索",
                    key_label(LEAD_IDS.name(), &k)
                )),
            }
        }
        self.report.counts.push((LEAD_IDS.name().into(), n));
        if indexed != leads.len() {
            for (id, key) in leads {
                if self.store.lead_ids.get_raw(&id.to_be_bytes())?.as_deref()
                    != Some(key.as_slice())
                {
                    self.report.problem(format!(
                        "{} 的编号 {id} 不在 lead_ids 中",
                        key_label(LEADS.name(), key)
                    ));
                }
            }
        }
        Ok(())
    }

    /// Opening the store finishes or discards every import in flight, so staged leads and
    /// import markers found here were written behind the program's back, or by a writer
    /// still running.
    fn pending_imports(&mut self) -> super::Result<()> {
        let staged = self.store.lead_staging.len() as u64;
        let markers = self.store.imports.len() as u64;
        self.read += staged + markers;
        self.report
            .counts
            .push((LEAD_STAGING.name().into(), staged));
        self.report.counts.push((IMPORTS.name().into(), markers));
        if staged > 0 || markers > 0 {
            self.report.warnings.push(format!(
                "有未完成的名单导入（暂存线索 {staged} 条，导入标记 {markers} 个）；重新打开数据库时会完成或丢弃"
            ));
        }
        Ok(())
    }

    /// Drafts are not audited (they are what was typed, not yet saved), but must decode.
    fn drafts(&mut self) -> super::Result<()> {
        let mut n = 0;
        for kv in self.store.drafts.iter() {
            let (k, v) = kv?;
            n += 1;
            self.tick();
            let err = if k.ends_with(b"intake\0\0") {
                decode::<IntakeDraft>(&v).err()
            } else {
                decode::<FollowUpDraft>(&v).err()
            };
            if let Some(e) = err {
                self.report
                    .problem(format!("{} 无法读取：{e}", key_label(DRAFTS.name(), &k)));
            }
        }
        self.report.counts.push((DRAFTS.name().into(), n));
        Ok(())
    }

    /// `id_numbers` (ID number → person) and `household_cases` (household, case) against
    /// the records, both ways.
    fn index_trees(
        &mut self,
        persons: &HashMap<PersonId, Person>,
        cases: &BTreeMap<CaseId, AssistanceCase>,
    ) -> super::Result<()> {
        let mut n = 0;
        let mut indexed = 0usize;
        for kv in self.store.id_numbers.iter() {
            let (k, v) = kv?;
            n += 1;
            self.tick();
            let label = key_label(ID_NUMBERS.name(), &k);
            match PersonId::from_key(&v).and_then(|id| persons.get(&id)) {
                Some(p) if p.id_number.as_str().as_bytes() == k.as_ref() => indexed += 1,
                Some(p) => self
                    .report
                    .problem(format!("{label} 指向人员 {}，而其身份证号已不是此号", p.id)),
                None => self.report.problem(format!("{label} 指向不存在的人员")),
            }
        }
        self.report.counts.push((ID_NUMBERS.name().into(), n));
        if indexed != persons.len() {
            for p in persons.values() {
                let found = self
                    .store
                    .id_numbers
                    .person_key(p.id_number.as_str().as_bytes())?;
                if found.as_deref() != Some(&p.id.to_key()[..]) {
                    self.report.problem(format!(
                        "人员 {} 的身份证号不在 id_numbers 中（或指向他人）",
                        p.id
                    ));
                }
            }
        }

        let mut n = 0;
        let mut pairs = 0usize;
        for kv in self.store.household_cases.iter() {
            let (k, _) = kv?;
            n += 1;
            self.tick();
            let household = k.get(..8).and_then(HouseholdId::from_key);
            let case = k.get(8..).and_then(CaseId::from_key);
            match (household, case.and_then(|c| cases.get(&c))) {
                (Some(h), Some(c)) if c.household == h => pairs += 1,
                _ => self.report.problem(format!(
                    "{} 与案件记录不符",
                    key_label(HOUSEHOLD_CASES.name(), &k)
                )),
            }
        }
        self.report.counts.push((HOUSEHOLD_CASES.name().into(), n));
        if pairs != cases.len() {
            for c in cases.values() {
                let key = pair_key(c.household.to_key(), c.id.to_key());
                if !self.store.household_cases.contains_key(key)? {
                    self.report.problem(format!(
                        "案件 {} 不在其家庭 {} 的 household_cases 中",
                        c.id, c.household
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A bulk load written before bulk entries carried hashes: no changes, no hashes, and the
/// target `Store::load` gives ("2000 户 6363 人 2665 件 24854 次回访").
fn is_legacy_bulk(entry: &AuditEntry) -> bool {
    entry.changes.is_empty()
        && entry.bulk.is_empty()
        && entry.target.contains(" 户 ")
        && entry.target.ends_with(" 次回访")
}

/// Each primary record against the newest audit entry for its key. A record the chain
/// does not name is a problem, unless old bulk writes (`legacy_bulk`) may have written it.
fn against_audit(
    report: &mut CheckReport,
    primary: &[(&'static str, Vec<u8>, [u8; 32])],
    mut audited: HashMap<(String, Vec<u8>), Audited>,
    legacy_bulk: u64,
) {
    let mut unproven = 0u64;
    for (tree, key, hash) in primary {
        let label = key_label(tree, key);
        match audited.remove(&(tree.to_string(), key.clone())) {
            Some(Audited::Written(h)) if h == *hash => {}
            Some(Audited::Written(_)) => report.problem(format!("{label} 在审计之外被改动")),
            Some(Audited::Deleted) => report.problem(format!(
                "{label} 已按审计记录删除，却又出现（在审计之外被写入）"
            )),
            None if legacy_bulk > 0 => unproven += 1,
            None => report.problem(format!("{label} 在审计之外被写入（审计中没有这条记录）")),
        }
    }
    if unproven > 0 {
        report.warnings.push(format!(
            "{unproven} 条记录只由旧版本的批量写入记载，无法与审计逐条比对"
        ));
    }
    let mut gone: Vec<String> = audited
        .into_iter()
        .filter(|(_, state)| *state != Audited::Deleted)
        .map(|((tree, key), _)| key_label(&tree, &key))
        .collect();
    gone.sort();
    for label in gone {
        report.problem(format!("{label} 在审计之外被删除"));
    }
}

fn households_hold_their_members(
    report: &mut CheckReport,
    households: &HashMap<HouseholdId, Household>,
    persons: &HashMap<PersonId, Person>,
) {
    let mut ids: Vec<&HouseholdId> = households.keys().collect();
    ids.sort();
    for id in ids {
        let Some(h) = households.get(id) else {
            continue;
        };
        for m in &h.members {
            match persons.get(m) {
                Some(p) if p.household == h.id => {}
                Some(p) => report.problem(format!(
                    "家庭 {} 列有成员 {}，而该人员记录属于家庭 {}",
                    h.id, m, p.household
                )),
                None => report.problem(format!("家庭 {} 列有不存在的成员 {m}", h.id)),
            }
        }
    }
}

/// A summary is derived from its case, person, household and follow-ups; any field that
/// differs from what they give is reported.
fn summaries_follow_their_records(
    report: &mut CheckReport,
    summaries: &HashMap<CaseId, CaseSummary>,
    cases: &BTreeMap<CaseId, AssistanceCase>,
    persons: &HashMap<PersonId, Person>,
    households: &HashMap<HouseholdId, Household>,
    contacts: &HashMap<CaseId, Contacts>,
) {
    // A person's newest case is the one their record's current facts are copied into.
    let mut newest: HashMap<PersonId, CaseId> = HashMap::new();
    for c in cases.values() {
        newest.insert(c.person, c.id);
    }
    for c in cases.values() {
        let label = key_label(SUMMARIES.name(), &c.id.to_key());
        let Some(s) = summaries.get(&c.id) else {
            report.problem(format!("{label} 缺失（案件 {} 没有摘要）", c.id));
            continue;
        };
        let (Some(p), Some(h)) = (persons.get(&c.person), households.get(&c.household)) else {
            report.problem(format!("案件 {} 的人员或家庭记录不存在", c.id));
            continue;
        };
        let mut expected = CaseSummary::new(c, p, h.zero_employment_on_file());
        if let Some(seen) = contacts.get(&c.id) {
            expected.covered = seen.covered.clone();
            expected.last_contact = seen.last;
        }
        if newest.get(&p.id) != Some(&c.id) {
            // An earlier case keeps the person as they were when it was last written.
            expected.name = s.name.clone();
            expected.phone = s.phone.clone();
            expected.recorded = s.recorded.clone();
            expected.work_status = s.work_status;
            expected.unemployed_since = s.unemployed_since;
        }
        if *s != expected {
            report.problem(format!(
                "{label} 与案件、人员、家庭或回访记录不符（{}）",
                differing(s, &expected).join("、")
            ));
        }
    }
    let mut orphans: Vec<&CaseId> = summaries
        .keys()
        .filter(|k| !cases.contains_key(k))
        .collect();
    orphans.sort();
    for k in orphans {
        report.problem(format!(
            "{} 没有对应的案件",
            key_label(SUMMARIES.name(), &k.to_key())
        ));
    }
}

fn differing(a: &CaseSummary, b: &CaseSummary) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut cmp = |same: bool, name: &'static str| {
        if !same {
            out.push(name);
        }
    };
    cmp(a.rev == b.rev, "版本");
    cmp(
        a.person == b.person && a.household == b.household,
        "人员或家庭",
    );
    cmp(a.township == b.township, "乡镇");
    cmp(a.name == b.name, "姓名");
    cmp(a.id_number == b.id_number, "身份证号");
    cmp(a.phone == b.phone, "电话");
    cmp(a.status == b.status, "认定状态");
    cmp(a.tier == b.tier, "帮扶等级");
    cmp(a.recognised_on == b.recognised_on, "认定日期");
    cmp(a.recorded == b.recorded, "人员类别");
    cmp(a.unemployed_since == b.unemployed_since, "失业日期");
    cmp(
        a.zero_employment_household == b.zero_employment_household,
        "零就业",
    );
    cmp(a.work_status == b.work_status, "就业状态");
    cmp(
        a.covered == b.covered && a.last_contact == b.last_contact,
        "回访",
    );
    out
}
