//! The supervision pane driven by actions and scripted pages: what it asks for as the month
//! and the page change, the note a 误报 requires, the selection kept on its finding after a
//! disposition, who may open it, and how it is drawn at 80×24.

use super::*;
use crate::domain::TownshipCode;
use crate::domain::supervise::Finding;
use crate::domain::supervise::disposition::FindingDisposition;
use crate::service::Overview;
use crate::tui::panes::fixtures::{asked, env, opened, overview, said, today};
use crate::tui::panes::queue::QueuePane;
use crate::tui::theme::Theme;
use chrono::NaiveDate;

fn month(m: u32) -> YearMonth {
    YearMonth::new(2026, m).unwrap_or_else(|| panic!("month {m}"))
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

fn reviewer() -> Overview {
    Overview {
        user: "shenhe".into(),
        role: "县级审核".into(),
        township: None,
        ..overview()
    }
}

fn finding(rule: Rule, subject: &str, evidence: &str, date: NaiveDate) -> SupervisedFinding {
    let finding = Finding {
        rule,
        township: TownshipCode("360726100".into()),
        subject: subject.into(),
        evidence: evidence.into(),
        date,
    };
    SupervisedFinding {
        key: finding.key(),
        finding,
        disposition: None,
    }
}

fn findings() -> Vec<SupervisedFinding> {
    vec![
        finding(
            Rule::CopiedFollowups,
            "赖春梅（案12）",
            "连续 3 个月的回访除日期外完全相同：2026-09-10、2026-10-12、2026-11-09",
            day(11, 9),
        ),
        finding(
            Rule::EntryHours,
            "zhongjb（2026-11-08）",
            "账号 zhongjb 于 2026-11-08（非工作日，北京时间）录入 2 条回访：21:40 钟小军（案7）、21:42 刘桂英（案9）",
            day(11, 8),
        ),
        finding(
            Rule::EntryPace,
            "zhongjb（2026-11-10 10时05分）",
            "账号 zhongjb 在 2026-11-10 10:05 一分钟内录入 4 条回访（上限 3）：赖春梅（案12）、钟小军（案7）、刘桂英（案9）、陈秀兰（案15）",
            day(11, 10),
        ),
        finding(
            Rule::RevealsPerDay,
            "liujb（2026-11-12）",
            "账号 liujb 于 2026年11月12日 查看身份证号 23 次（上限 20）",
            day(11, 12),
        ),
        finding(
            Rule::SelfDecided,
            "退出：钟小军（案7）",
            "钟小军（案7） 的退出由账号 shenhe 提出并于 2026-11-13 由同一账号审定",
            day(11, 13),
        ),
    ]
}

fn page(rows: Vec<SupervisedFinding>, next: Option<&str>, total: u32) -> SupervisePage {
    SupervisePage {
        findings: rows,
        next: next.map(String::from),
        total,
    }
}

fn first_request(limit: u32) -> Request {
    Request::Supervise {
        month: month(11),
        after: None,
        limit,
    }
}

fn opened_with(rows: Vec<SupervisedFinding>, next: Option<&str>) -> SupervisePane {
    let (o, t) = (reviewer(), Theme::sixteen());
    let e = env(&o, &t);
    let mut pane = SupervisePane::opening(today(), &e);
    let start = pane.start(&e);
    assert_eq!(asked(&start), vec![&first_request(10)]);
    let total = u32::try_from(rows.len()).unwrap_or(0);
    pane.answer(
        first_request(10),
        Ok(Response::Supervise(page(rows, next, total))),
        &e,
    );
    pane
}

fn press(pane: &mut SupervisePane, action: Action) -> Vec<Effect> {
    let (o, t) = (reviewer(), Theme::sixteen());
    pane.update(action, &env(&o, &t))
}

fn type_text(pane: &mut SupervisePane, text: &str) {
    for c in text.chars() {
        press(pane, Action::Type(c));
    }
}

#[test]
fn the_month_changes_with_the_brackets_and_asks_its_first_page() {
    let mut pane = opened_with(findings(), None);
    let sent = press(&mut pane, Action::NextMonth);
    assert_eq!(
        asked(&sent),
        vec![&Request::Supervise {
            month: month(12),
            after: None,
            limit: 10,
        }]
    );
    press(&mut pane, Action::PrevMonth);
    let sent = press(&mut pane, Action::PrevMonth);
    assert_eq!(
        asked(&sent),
        vec![&Request::Supervise {
            month: month(10),
            after: None,
            limit: 10,
        }]
    );
}

#[test]
fn moving_past_the_page_asks_the_next_and_back_the_one_before() {
    let rows = findings();
    let last_key = rows[1].key.clone();
    let mut pane = opened_with(rows[..2].to_vec(), Some(&last_key));
    assert!(press(&mut pane, Action::Down).is_empty());
    let sent = press(&mut pane, Action::Down);
    let second = Request::Supervise {
        month: month(11),
        after: Some(last_key.clone()),
        limit: 10,
    };
    assert_eq!(asked(&sent), vec![&second]);
    let (o, t) = (reviewer(), Theme::sixteen());
    pane.answer(
        second,
        Ok(Response::Supervise(page(rows[2..].to_vec(), None, 5))),
        &env(&o, &t),
    );
    assert_eq!(
        pane.selected_row().map(|r| r.key.as_str()),
        Some(rows[2].key.as_str())
    );
    // Nothing after the last page.
    press(&mut pane, Action::Last);
    assert!(press(&mut pane, Action::Down).is_empty());
    // Up from the top of the page: the page before, on its last row.
    press(&mut pane, Action::First);
    let sent = press(&mut pane, Action::Up);
    assert_eq!(asked(&sent), vec![&first_request(10)]);
    pane.answer(
        first_request(10),
        Ok(Response::Supervise(page(
            rows[..2].to_vec(),
            Some(&last_key),
            5,
        ))),
        &env(&o, &t),
    );
    assert_eq!(
        pane.selected_row().map(|r| r.key.as_str()),
        Some(last_key.as_str())
    );
}

#[test]
fn a_false_alarm_needs_its_reason_and_is_sent_over_the_version_shown() {
    let mut pane = opened_with(findings(), None);
    press(&mut pane, Action::Down);
    press(&mut pane, Action::Down);
    assert!(press(&mut pane, Action::MarkFalseAlarm).is_empty());
    assert_eq!(pane.context(), Context::SuperviseNote);
    let refused = press(&mut pane, Action::Save);
    assert!(asked(&refused).is_empty());
    assert_eq!(
        said(&refused),
        vec![(StatusKind::Info, "处置为误报时须写明理由")]
    );
    type_text(&mut pane, "集中补录纸质回访，已核对原件");
    let sent = press(&mut pane, Action::Save);
    let key = findings()[2].key.clone();
    assert_eq!(
        asked(&sent),
        vec![&Request::DisposeFinding {
            key: key.clone(),
            rev: 0,
            verdict: Verdict::FalseAlarm,
            note: "集中补录纸质回访，已核对原件".into(),
        }]
    );
    assert_eq!(pane.context(), Context::Supervise);
}

#[test]
fn after_a_disposition_the_selection_stays_on_its_finding() {
    let mut pane = opened_with(findings(), None);
    press(&mut pane, Action::Down);
    press(&mut pane, Action::Down);
    press(&mut pane, Action::Down);
    press(&mut pane, Action::MarkVerified);
    type_text(&mut pane, "已约谈");
    let sent = press(&mut pane, Action::Save);
    let key = findings()[3].key.clone();
    let saved = FindingDisposition {
        key: key.clone(),
        rev: 1,
        verdict: Verdict::Verified,
        note: "已约谈".into(),
        by: "shenhe".into(),
        on: today(),
    };
    let (o, t) = (reviewer(), Theme::sixteen());
    let e = env(&o, &t);
    let told = pane.answer(
        asked(&sent)[0].clone(),
        Ok(Response::Disposed(saved.clone())),
        &e,
    );
    assert_eq!(said(&told), vec![(StatusKind::Ok, "已处置：已核实")]);
    assert_eq!(pane.selected, 3);
    // The refresh the save causes comes back with the finding elsewhere on the page.
    let refresh = pane.notice(&Notice::DataChanged, &e);
    assert_eq!(asked(&refresh), vec![&first_request(10)]);
    let mut rows = findings();
    rows[3].disposition = Some(saved);
    rows.insert(
        0,
        finding(
            Rule::SharedContact,
            "tel13800000001",
            "手机号 13800000001 出现在 2 个不同家庭：7、9",
            day(11, 30),
        ),
    );
    pane.answer(
        first_request(10),
        Ok(Response::Supervise(page(rows, None, 6))),
        &e,
    );
    assert_eq!(
        pane.selected_row().map(|r| r.key.as_str()),
        Some(key.as_str())
    );
    // A later disposition of it is sent over version 1.
    press(&mut pane, Action::MarkVerified);
    let sent = press(&mut pane, Action::Save);
    assert!(matches!(
        asked(&sent)[0],
        Request::DisposeFinding { rev: 1, .. }
    ));
}

#[test]
fn a_township_caseworker_is_told_in_chinese_and_a_reviewer_opens_it() {
    let t = Theme::sixteen();
    let caseworker = overview();
    let mut queue = QueuePane::new();
    let effects = queue.update(Action::ShowSupervise, &env(&caseworker, &t));
    assert!(opened(&effects).is_empty());
    assert_eq!(
        said(&effects),
        vec![(
            StatusKind::Error,
            "监督：只有县级审核人员和管理员可以查看监督发现"
        )]
    );
    let county = reviewer();
    let effects = queue.update(Action::ShowSupervise, &env(&county, &t));
    assert_eq!(opened(&effects), vec![PaneKind::Supervise]);
}

fn screen(pane: &SupervisePane, theme: &Theme) -> String {
    let o = reviewer();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))
        .unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|f| pane.render(f, f.area(), &env(&o, theme)))
        .unwrap_or_else(|e| panic!("{e}"));
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_findings_and_the_selected_evidence_at_80_by_24_in_both_themes() {
    let mut pane = opened_with(findings(), None);
    press(&mut pane, Action::Down);
    let shown = screen(&pane, &Theme::sixteen());
    insta::assert_snapshot!("supervise_list_sixteen", shown);
    assert!(shown.contains("> 非工作时间"), "{shown}");
    assert!(shown.contains("21:42 刘桂英"), "{shown}");
    press(&mut pane, Action::Down);
    press(&mut pane, Action::MarkFalseAlarm);
    type_text(&mut pane, "补录纸质回访");
    let mono = screen(
        &pane,
        &Theme::mono().with_borders(crate::tui::theme::Borders::Ascii),
    );
    insta::assert_snapshot!("supervise_note_mono_ascii", mono);
    assert!(mono.contains("误报，说明：补录纸质回访"), "{mono}");
    assert!(mono.starts_with('+'), "{mono}");
}
