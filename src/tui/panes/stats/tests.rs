//! The statistics pane driven by actions and a scripted table: what it asks for as the
//! month changes, the groups Tab steps through, and how it is drawn at 80×24.

use super::*;
use crate::domain::TownshipCode;
use crate::tui::panes::fixtures::{asked, env, overview, today};
use crate::tui::theme::Theme;

fn month(m: u32) -> YearMonth {
    YearMonth::new(2026, m).unwrap_or_else(|| panic!("month {m}"))
}

fn counts(at_start: u32, new: u32, num: u32, den: u32) -> Contribution {
    Contribution {
        at_start,
        new,
        at_end: at_start + new,
        by_status: [den - num, num, 0, 0, 0, 0],
        rate_numerator: num,
        rate_denominator: den,
        helped_this_year: num,
        zero_at_end: 1,
        followups_due: at_start + new,
        followups_done: at_start,
        ..Contribution::default()
    }
}

fn table() -> MonthTable {
    let mut t = MonthTable::new(month(11));
    t.add(
        &TownshipCode("360726100".into()),
        "欣山镇",
        &counts(12, 2, 19, 20),
    );
    t.add(
        &TownshipCode("360726101".into()),
        "孔田镇",
        &counts(8, 1, 7, 10),
    );
    t.add(
        &TownshipCode("360726102".into()),
        "贡江镇",
        &counts(5, 0, 0, 0),
    );
    t
}

fn opened() -> StatsPane {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = StatsPane::opening(today());
    let start = pane.start(&env(&o, &t));
    let want = Request::Stats {
        month: month(11),
        township: None,
    };
    assert_eq!(asked(&start), vec![&want]);
    pane.answer(want, Ok(Response::Stats(Box::new(table()))), &env(&o, &t));
    pane
}

fn press(pane: &mut StatsPane, action: Action) -> Vec<Effect> {
    let (o, t) = (overview(), Theme::sixteen());
    pane.update(action, &env(&o, &t))
}

#[test]
fn brackets_ask_for_the_month_before_and_after() {
    let mut pane = opened();
    let sent = press(&mut pane, Action::PrevMonth);
    assert_eq!(
        asked(&sent),
        vec![&Request::Stats {
            month: month(10),
            township: None
        }]
    );
    press(&mut pane, Action::NextMonth);
    let sent = press(&mut pane, Action::NextMonth);
    assert_eq!(
        asked(&sent),
        vec![&Request::Stats {
            month: month(12),
            township: None
        }]
    );
}

#[test]
fn a_late_answer_for_another_month_is_not_shown() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened();
    press(&mut pane, Action::NextMonth);
    pane.answer(
        Request::Stats {
            month: month(11),
            township: None,
        },
        Ok(Response::Stats(Box::new(MonthTable::new(month(11))))),
        &env(&o, &t),
    );
    assert_eq!(pane.table.as_ref().map(|t| t.rows.len()), Some(3));
}

#[test]
fn tab_steps_through_the_groups_and_the_selection_stops_at_the_total() {
    let mut pane = opened();
    for _ in 0..10 {
        press(&mut pane, Action::Down);
    }
    assert_eq!(pane.selected, 3);
    press(&mut pane, Action::Up);
    assert_eq!(pane.selected, 2);
    press(&mut pane, Action::NextField);
    assert_eq!(pane.group, 1);
    press(&mut pane, Action::PrevField);
    press(&mut pane, Action::PrevField);
    assert_eq!(pane.group, tabs().len() - 1);
    assert!(matches!(
        press(&mut pane, Action::Back).as_slice(),
        [Effect::Close]
    ));
}

#[test]
fn the_bar_marks_the_target_in_ascii() {
    // Every cell filled but the target's.
    assert_eq!(bar(Some(1000)).matches('#').count(), BAR - 1);
    assert_eq!(bar(None).matches('#').count(), 0);
    assert_eq!(bar(Some(500)).find('|'), Some(36));
    assert!(bar(Some(950)).is_ascii());
}

fn screen(pane: &StatsPane, theme: &Theme) -> String {
    let o = overview();
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
fn the_month_table_and_the_rate_bars_at_80_by_24_in_both_themes() {
    let mut pane = opened();
    let shown = screen(&pane, &Theme::sixteen());
    insta::assert_snapshot!("stats_registered_sixteen", shown);
    assert!(shown.contains("全县合计"), "{shown}");
    assert!(shown.contains("欣山镇"), "{shown}");
    press(&mut pane, Action::NextField);
    press(&mut pane, Action::NextField);
    let mono = screen(&pane, &Theme::mono());
    insta::assert_snapshot!("stats_rate_mono", mono);
    assert!(mono.contains("95.0%"), "{mono}");
    assert!(mono.contains("—"), "{mono}");
}

fn person(n: u64, name: &str, township: &str, reason: &str) -> crate::service::StatsPerson {
    crate::service::StatsPerson {
        key: format!("360726101:{name}:c{n:020}"),
        case: Some(crate::domain::CaseId(n)),
        household: Some(crate::domain::HouseholdId(100 + n)),
        name: name.into(),
        id_masked: "360726********0012".into(),
        township: TownshipCode("360726101".into()),
        township_name: township.into(),
        reason: reason.into(),
    }
}

fn rate_page(after: Option<&str>) -> crate::service::StatsPeoplePage {
    let names = ["赖春梅", "钟小军", "刘桂英", "黄志强", "欧阳明华"];
    let people: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let reason = if i < 3 {
                "已就业（计入分子），月末灵活就业"
            } else {
                "尚未实现就业"
            };
            person(i as u64 + 1, name, "孔田镇", reason)
        })
        .collect();
    match after {
        // Ten in all: the first page, then a second of the same five again, renumbered.
        None => crate::service::StatsPeoplePage {
            next: people.last().map(|p| p.key.clone()),
            people,
            total: 10,
        },
        Some(_) => crate::service::StatsPeoplePage {
            people: people
                .into_iter()
                .enumerate()
                .map(|(i, mut p)| {
                    p.key = format!("360726101:z:c{:020}", i + 6);
                    p.case = Some(crate::domain::CaseId(i as u64 + 6));
                    p
                })
                .collect(),
            next: None,
            total: 10,
        },
    }
}

/// The pane on 孔田镇's rate, its people asked for: the request it sent.
fn drilled(pane: &mut StatsPane) -> Request {
    press(pane, Action::Down);
    press(pane, Action::NextField);
    press(pane, Action::NextField);
    let sent = press(pane, Action::Open);
    let asked = asked(&sent);
    assert_eq!(asked.len(), 1, "{sent:?}");
    asked[0].clone()
}

fn answer_people(pane: &mut StatsPane, asked: Request, page: crate::service::StatsPeoplePage) {
    let (o, t) = (overview(), Theme::sixteen());
    let more = pane.answer(asked, Ok(Response::StatsPeople(page)), &env(&o, &t));
    assert!(more.is_empty(), "{more:?}");
}

#[test]
fn left_and_right_choose_the_figure_and_enter_asks_for_its_people() {
    let mut pane = opened();
    press(&mut pane, Action::Down);
    press(&mut pane, Action::NextFigure);
    press(&mut pane, Action::NextFigure);
    press(&mut pane, Action::NextFigure);
    press(&mut pane, Action::NextFigure);
    assert_eq!(pane.figure, 3, "stops at the group's last figure");
    let sent = press(&mut pane, Action::Open);
    assert!(matches!(
        asked(&sent).as_slice(),
        [Request::StatsPeople {
            township: Some(TownshipCode(code)),
            measure: Measure::AtEnd,
            after: None,
            ..
        }] if code == "360726101"
    ));
    assert_eq!(pane.context(), Context::StatsPeople);
    press(&mut pane, Action::Back);
    assert_eq!(pane.context(), Context::Stats);
    // The county total lists the actor's townships; a shorter group keeps the figure in it.
    press(&mut pane, Action::Last);
    for _ in 0..4 {
        press(&mut pane, Action::NextField);
    }
    assert_eq!(pane.figure, 2);
    let sent = press(&mut pane, Action::Open);
    assert!(matches!(
        asked(&sent).as_slice(),
        [Request::StatsPeople {
            township: None,
            measure: Measure::FollowupsOverdue,
            ..
        }]
    ));
}

#[test]
fn every_group_has_a_measure_per_figure_and_each_reads_the_figure_shown() {
    let c = counts(12, 2, 19, 20);
    for group in 0..tabs().len() {
        let shown = figures(group, &c);
        let m = measures(group);
        assert_eq!(m.len(), shown.len(), "group {group}");
        assert_eq!(heading(group).len(), shown.len(), "group {group}");
        for (measure, figure) in m.iter().zip(&shown) {
            if *measure != Measure::Rate {
                assert_eq!(measure.count(&c).to_string(), *figure, "{measure:?}");
            }
        }
    }
}

#[test]
fn the_list_pages_through_the_server_and_esc_comes_back_to_the_table_as_it_was() {
    let mut pane = opened();
    let first = drilled(&mut pane);
    assert!(matches!(
        &first,
        Request::StatsPeople {
            measure: Measure::Rate,
            ..
        }
    ));
    answer_people(&mut pane, first, rate_page(None));
    for _ in 0..4 {
        assert!(press(&mut pane, Action::Down).is_empty());
    }
    // ↓ on the page's last row asks for the next page after its last key.
    let sent = press(&mut pane, Action::Down);
    let next = asked(&sent)[0].clone();
    assert!(matches!(&next, Request::StatsPeople { after: Some(_), .. }));
    answer_people(&mut pane, next, rate_page(Some("x")));
    let list = pane.people.as_ref().unwrap_or_else(|| panic!("listed"));
    assert_eq!((list.selected, list.starts.len()), (0, 2));
    // The last page: PgDn goes to its last row and asks nothing.
    assert!(press(&mut pane, Action::PageDown).is_empty());
    // ↑ on the first row asks for the page before, and lands on its last row.
    let sent = press(&mut pane, Action::PageUp);
    let back = asked(&sent)[0].clone();
    assert!(matches!(&back, Request::StatsPeople { after: None, .. }));
    answer_people(&mut pane, back, rate_page(None));
    let list = pane.people.as_ref().unwrap_or_else(|| panic!("listed"));
    assert_eq!((list.selected, list.starts.len()), (4, 1));
    // Enter opens the selected person's household, as the queue does.
    let sent = press(&mut pane, Action::Open);
    assert_eq!(
        crate::tui::panes::fixtures::opened(&sent),
        vec![crate::tui::panes::PaneKind::Household]
    );
    press(&mut pane, Action::Back);
    assert!(pane.people.is_none());
    assert_eq!((pane.selected, pane.group, pane.figure), (1, 2, 0));
}

#[test]
fn the_people_list_at_80_by_24_in_both_themes() {
    let mut pane = opened();
    let asked = drilled(&mut pane);
    answer_people(&mut pane, asked, rate_page(None));
    press(&mut pane, Action::Down);
    let shown = screen(&pane, &Theme::sixteen());
    insta::assert_snapshot!("stats_people_rate_sixteen", shown);
    assert!(
        shown.contains("孔田镇") && shown.contains("欧阳明华"),
        "{shown}"
    );
    assert!(shown.contains("第 1/2 页"), "{shown}");
    let mono = screen(&pane, &Theme::mono());
    insta::assert_snapshot!("stats_people_rate_mono", mono);
    assert!(mono.contains("> 钟小军"), "{mono}");
}

#[test]
fn an_empty_figure_says_so_in_a_line() {
    let mut pane = opened();
    let asked = drilled(&mut pane);
    answer_people(&mut pane, asked, crate::service::StatsPeoplePage::default());
    let shown = screen(&pane, &Theme::mono());
    assert!(shown.contains("没有可列出的人"), "{shown}");
    let sent = press(&mut pane, Action::Open);
    assert_eq!(
        crate::tui::panes::fixtures::said(&sent),
        vec![(crate::tui::panes::StatusKind::Info, "没有选中的人员")]
    );
}
