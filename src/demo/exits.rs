//! Exits waiting for the county in the demo (第(五)条): a few proposed by the demo
//! caseworker with their evidence, beside what the rules find on their own.

use crate::domain::exit::ExitReason;
use crate::domain::{RecognitionStatus, Role};
use crate::store::{County, Stamp, Store, StoreError};
use chrono::{Days, NaiveDate};

const PROPOSALS: [(ExitReason, &str); 3] = [
    (
        ExitReason::MovedAway,
        "户口已迁往赣州市章贡区（派出所迁移证明编号 赣章迁〔2026〕0412）",
    ),
    (
        ExitReason::Died,
        "村委会出具死亡证明，火化证明编号 于殡〔2026〕1187",
    ),
    (
        ExitReason::NoLongerWantsWork,
        "本人书面申请退出援助，称将照顾孙辈，暂无就业意愿",
    ),
];

pub fn generate(
    store: &Store,
    county: &County,
    today: NaiveDate,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let Some(first) = county.townships.first() else {
        return Ok(());
    };
    let caseworker = Stamp {
        actor: super::DEMO_CASEWORKER.to_string(),
        at: stamp.at,
    };
    let cases: Vec<_> = store
        .summaries()?
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised && s.township == first.code)
        .take(PROPOSALS.len())
        .collect();
    for (summary, (reason, evidence)) in cases.iter().zip(PROPOSALS) {
        let Some(mut case) = store.case(summary.case)? else {
            continue;
        };
        let rev = case.rev;
        let day = today.checked_sub_days(Days::new(2)).unwrap_or(today);
        if case
            .propose_exit(
                reason,
                evidence,
                super::DEMO_CASEWORKER,
                Role::TownshipCaseworker,
                day,
            )
            .is_ok()
        {
            store.put_case_step(&caseworker, &case, rev, "提出退出", today)?;
        }
    }
    Ok(())
}
