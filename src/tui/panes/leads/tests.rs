//! The leads pane driven by actions and scripted answers: what it asks for, the note the
//! service requires, and how an overdue fast-lane lead is drawn.

use super::*;
use crate::tui::panes::fixtures::{asked, env, overview, said, today};
use chrono::NaiveDate;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

fn lead(id: u64, name: &str, source: &str, fast: Option<NaiveDate>) -> LeadRow {
    LeadRow {
        id,
        rev: 1,
        source: source.into(),
        name: name.into(),
        id_masked: "3607**********1234".into(),
        township: "欣山镇".into(),
        list_date: day(11, 2),
        fast_lane: fast.is_some(),
        contact_deadline: fast,
        overdue: fast.is_some_and(|d| d < today()),
        disposition: "待联系".into(),
        disposition_on: None,
        note: String::new(),
    }
}

/// The service's order: fast lane first (one past its deadline), then the newest list.
fn rows() -> Vec<LeadRow> {
    vec![
        lead(1, "赖春梅", "民政低保", Some(day(11, 10))),
        lead(2, "钟小军", "残联持证", Some(day(11, 20))),
        lead(3, "刘桂英", "登记失业", None),
    ]
}

fn opened_with(rows: Vec<LeadRow>) -> LeadsPane {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = LeadsPane::opening();
    let start = pane.start(&env(&o, &t));
    assert_eq!(asked(&start), vec![&Request::Leads]);
    pane.answer(Request::Leads, Ok(Response::Leads(rows)), &env(&o, &t));
    pane
}

fn press(pane: &mut LeadsPane, action: Action) -> Vec<Effect> {
    let (o, t) = (overview(), Theme::sixteen());
    pane.update(action, &env(&o, &t))
}

fn type_text(pane: &mut LeadsPane, text: &str) {
    for c in text.chars() {
        press(pane, Action::Type(c));
    }
}

#[test]
fn a_contacted_lead_is_sent_with_today_and_its_note() {
    let mut pane = opened_with(rows());
    press(&mut pane, Action::Down);
    assert!(press(&mut pane, Action::DisposeLead).is_empty());
    assert_eq!(pane.context(), Context::LeadNote);
    type_text(&mut pane, "电话联系，下周来窗口");
    let sent = press(&mut pane, Action::Save);
    assert_eq!(
        asked(&sent),
        vec![&Request::DisposeLead {
            lead: 2,
            rev: 1,
            disposition: Disposition::Contacted,
            on: today(),
            note: "电话联系，下周来窗口".into(),
        }]
    );
    assert_eq!(pane.context(), Context::Leads);
}

#[test]
fn refused_needs_a_note_before_it_is_sent() {
    let mut pane = opened_with(rows());
    press(&mut pane, Action::DisposeLead);
    press(&mut pane, Action::NextField);
    press(&mut pane, Action::NextField);
    let refused = press(&mut pane, Action::Save);
    assert!(asked(&refused).is_empty());
    assert_eq!(
        said(&refused),
        vec![(StatusKind::Info, "“本人拒绝”须填写说明")]
    );
    type_text(&mut pane, "已在外省务工");
    let sent = press(&mut pane, Action::Save);
    assert!(matches!(
        asked(&sent).first(),
        Some(Request::DisposeLead { lead: 1, disposition: Disposition::Refused, note, .. })
            if note == "已在外省务工"
    ));
}

#[test]
fn the_saved_lead_replaces_its_row_and_the_service_refusal_is_said() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_with(rows());
    let mut saved = lead(1, "赖春梅", "民政低保", Some(day(11, 10)));
    saved.rev = 2;
    saved.overdue = false;
    saved.disposition = "已联系".into();
    saved.disposition_on = Some(today());
    let request = Request::Leads;
    let effects = pane.answer(request.clone(), Ok(Response::Lead(saved)), &env(&o, &t));
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Ok, "已记录：赖春梅 已联系")]
    );
    assert_eq!(pane.selected_row().map(|r| r.rev), Some(2));
    let refused = pane.answer(
        request,
        Err(ServiceError::Refused("版本已变".into())),
        &env(&o, &t),
    );
    assert_eq!(said(&refused).len(), 1);
    assert!(said(&refused)[0].1.starts_with("未记录"), "{refused:?}");
}

#[test]
fn an_applied_lead_is_not_disposed_again_and_esc_leaves_the_prompt() {
    let mut applied = lead(4, "黄志强", "登记失业", None);
    applied.disposition = "已申请".into();
    let mut pane = opened_with(vec![applied]);
    let effects = press(&mut pane, Action::DisposeLead);
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Info, "黄志强 已申请，无需再处理")]
    );
    assert_eq!(pane.context(), Context::Leads);
    let mut pane = opened_with(rows());
    press(&mut pane, Action::DisposeLead);
    press(&mut pane, Action::Back);
    assert_eq!(pane.context(), Context::Leads);
    assert!(matches!(
        press(&mut pane, Action::Back).as_slice(),
        [Effect::Close]
    ));
}

fn screen(pane: &LeadsPane, theme: &Theme) -> (String, ratatui::buffer::Buffer) {
    let o = overview();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 21))
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
    (out, buffer)
}

#[test]
fn an_overdue_fast_lane_lead_is_first_and_marked_in_both_themes() {
    let pane = opened_with(rows());
    let (shown, _) = screen(&pane, &Theme::sixteen());
    insta::assert_snapshot!("leads_with_an_overdue_fast_lane_lead", shown);
    assert!(shown.contains("> 逾期       赖春梅"), "{shown}");
    assert!(shown.contains("快 11-20前 钟小军"), "{shown}");
    // In monochrome 逾期 is bold, 待联系 is bold and underlined: told apart without colour.
    let (_, mono) = screen(&pane, &Theme::mono());
    let y = (0..mono.area.height)
        .find(|&y| (0..mono.area.width).any(|x| mono[(x, y)].symbol() == "逾"))
        .unwrap_or_else(|| panic!("no 逾期 row"));
    let x = (0..mono.area.width)
        .find(|&x| mono[(x, y)].symbol() == "逾")
        .unwrap_or_default();
    assert_eq!(
        mono[(x, y)].style().add_modifier,
        Theme::mono().due(DueStatus::Overdue).add_modifier
    );
    assert_ne!(Theme::mono().due(DueStatus::Overdue), Theme::mono().focus());
}
