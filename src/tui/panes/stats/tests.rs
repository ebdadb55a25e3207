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
    assert_eq!(pane.group, GROUPS.len() - 1);
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
