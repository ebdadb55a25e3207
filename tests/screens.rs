//! What a caseworker sees, at 80×24 with Chinese data and a fixed date: the three panes of
//! the core loop, the form's field-level messages, help, and the too-small screen.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;
use yuanzhu::domain::Settings;
use yuanzhu::service::{Actor, LocalBackend, Role, Service, Today};
use yuanzhu::tui::theme::Borders;
use yuanzhu::tui::{App, Keymap, Theme};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn app(dir: &std::path::Path) -> App {
    app_with(dir, Theme::sixteen())
}

fn app_with(dir: &std::path::Path, theme: Theme) -> App {
    let store = common::demo_store(dir, 40, today());
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let actor = Actor {
        user: "钟经办".into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let mut app = App::new(
        Box::new(LocalBackend::new(service, actor)),
        Keymap::builtin(),
        theme,
    )
    .unwrap();
    app.resize(80, 24);
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn buffer(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row, a wide character once (as a person reads it).
fn screen(app: &App, w: u16, h: u16) -> String {
    let buffer = buffer(app, w, h);
    let mut out = String::new();
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            x += u16::try_from(UnicodeWidthStr::width(symbol).max(1)).unwrap();
        }
        out.push('\n');
    }
    out
}

#[test]
fn queue_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn queue_on_a_wider_terminal_gets_more_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.resize(120, 30);
    insta::assert_snapshot!(screen(&app, 120, 30));
}

#[test]
fn household_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(3));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn followup_form_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(4));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn followup_copied_from_last_time_then_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    // The first row was recognised last month and never visited; the second has history.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::F(4));
    ctrl(&mut app, 'r');
    insta::assert_snapshot!("copied", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    insta::assert_snapshot!("saved", screen(&app, 80, 24));
    key(&mut app, KeyCode::Esc);
    insta::assert_snapshot!("back_on_next_due", screen(&app, 80, 24));
}

#[test]
fn invalid_fields_get_messages_beside_them_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(4));
    // 方式 2 (phone), 结果 1 (已联系), 状态 2 (单位就业): employer, contract, insurance and
    // wage now apply.
    typed(&mut app, "212");
    for _ in 0..4 {
        key(&mut app, KeyCode::BackTab);
    }
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "2026-02-30");
    ctrl(&mut app, 's');
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn search_by_pinyin_initials() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zh");
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(1));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn a_terminal_below_80x24_is_asked_to_grow() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.resize(60, 20);
    insta::assert_snapshot!(screen(&app, 60, 20));
}

#[test]
fn a_form_left_with_esc_is_kept_as_a_draft_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(4));
    typed(&mut app, "2");
    key(&mut app, KeyCode::Esc);
    assert!(screen(&app, 80, 24).contains("未保存，已留作草稿"));
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::F(4));
    let form = screen(&app, 80, 24);
    assert!(form.contains("已恢复上次未保存的草稿"), "{form}");
    assert!(form.contains("回访方式    2 电话联系"), "{form}");
}

#[test]
fn pasted_escape_sequences_never_reach_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(4));
    typed(&mut app, "211");
    // Focus is now on 就业意愿; move to 援助计划 and paste text with a terminal escape.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    app.handle_event(crossterm::event::Event::Paste(
        "推荐\u{1b}[2J岗位\u{7}".into(),
    ));
    let s = screen(&app, 80, 24);
    assert!(s.contains("推荐[2J岗位"), "{s}");
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'));
}

#[test]
fn ascii_borders_for_consoles_that_draw_box_lines_double_width() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(dir.path(), Theme::sixteen().with_borders(Borders::Ascii));
    insta::assert_snapshot!("ascii_queue", screen(&app, 80, 24));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::F(4));
    ctrl(&mut app, 'r');
    insta::assert_snapshot!("ascii_followup", screen(&app, 80, 24));
    key(&mut app, KeyCode::F(3));
    insta::assert_snapshot!("ascii_household", screen(&app, 80, 24));
}

/// Every pane of the core loop, rendered and handed to `check`.
fn each_pane(theme: Theme, check: impl Fn(&str, &Buffer)) {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with(dir.path(), theme);
    check("queue", &buffer(&app, 80, 24));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::F(4));
    ctrl(&mut app, 's');
    check("follow-up with errors", &buffer(&app, 80, 24));
    key(&mut app, KeyCode::F(3));
    check("household", &buffer(&app, 80, 24));
    key(&mut app, KeyCode::F(1));
    check("help", &buffer(&app, 80, 24));
}

#[test]
fn the_monochrome_theme_uses_no_colour_only_bold_and_reverse() {
    each_pane(Theme::mono(), |pane, buf| {
        assert!(
            buf.content()
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
            "{pane} has colour"
        );
        assert!(
            buf.content()
                .iter()
                .any(|c| c.modifier.intersects(Modifier::BOLD | Modifier::REVERSED)),
            "{pane} has no emphasis"
        );
    });
}

#[test]
fn the_default_theme_uses_only_the_16_named_colours() {
    each_pane(Theme::sixteen(), |pane, buf| {
        for c in buf.content() {
            for color in [c.fg, c.bg] {
                assert!(
                    !matches!(color, Color::Indexed(_) | Color::Rgb(..)),
                    "{pane} uses {color:?}"
                );
            }
        }
    });
}

#[test]
fn f6_in_the_household_reveals_the_full_id_and_says_it_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(3));
    let before = screen(&app, 80, 24);
    assert!(before.contains("（F6 显示完整号码）"), "{before}");
    key(&mut app, KeyCode::F(6));
    let after = screen(&app, 80, 24);
    assert!(after.contains("（已记入审计）"), "{after}");
    assert!(after.contains("此次查看已记入审计"), "{after}");
    let full = after
        .split_whitespace()
        .find(|w| w.len() >= 18 && w.chars().take(17).all(|c| c.is_ascii_digit()))
        .expect("a full 18-digit number on screen");
    assert!(!full.contains('*'));
}

/// Two sessions over one service, as two terminals over one server.
struct Shared {
    service: std::sync::Arc<Service>,
    actor: Actor,
}

impl yuanzhu::service::Backend for Shared {
    fn call(
        &mut self,
        request: yuanzhu::service::Request,
    ) -> Result<yuanzhu::service::Reply, yuanzhu::service::ServiceError> {
        self.service.handle(&self.actor, request)
    }

    fn shared(&self) -> bool {
        true
    }
}

#[test]
fn a_save_that_meets_anothers_save_shows_both_side_by_side() {
    use yuanzhu::domain::followup_form::Field;
    use yuanzhu::service::{Request, Response};
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 40, today());
    let service = std::sync::Arc::new(Service::new(
        store,
        Today::Fixed(today()),
        Settings::default(),
    ));
    let actor = |user: &str| Actor {
        user: user.into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let mut app = App::new(
        Box::new(Shared {
            service: std::sync::Arc::clone(&service),
            actor: actor("钟经办"),
        }),
        Keymap::builtin(),
        Theme::sixteen(),
    )
    .unwrap();
    app.resize(80, 24);
    key(&mut app, KeyCode::F(4));
    typed(&mut app, "2111");

    // Meanwhile 刘审核 saves a home visit for the same person.
    let rows = match service
        .handle(
            &actor("刘审核"),
            Request::QueuePage(yuanzhu::service::QueueQuery::follow_ups()),
        )
        .unwrap()
        .body
    {
        Response::QueuePage(page) => page.rows,
        other => panic!("{other:?}"),
    };
    let row = &rows[0];
    let mut theirs = common::unemployed_visit(today(), row.tier);
    theirs.press_code(Field::Method, '1');
    theirs.set(Field::Plan, "推荐到工业园保洁岗位".into());
    service
        .handle(
            &actor("刘审核"),
            Request::SaveFollowUp {
                case: row.case,
                rev: row.rev,
                draft: theirs,
            },
        )
        .unwrap();

    ctrl(&mut app, 's');
    insta::assert_snapshot!(screen(&app, 80, 24));

    // Their contact method, the rest as typed: saved as a record of its own.
    key(&mut app, KeyCode::Char('1'));
    ctrl(&mut app, 's');
    assert!(
        screen(&app, 80, 24).contains("已保存 2026-11-16 的回访"),
        "{}",
        screen(&app, 80, 24)
    );
    let timeline = match service
        .handle(
            &actor("刘审核"),
            Request::Household {
                household: row.household,
            },
        )
        .unwrap()
        .body
    {
        Response::Household(h) => h.timeline,
        other => panic!("{other:?}"),
    };
    let todays: Vec<&str> = timeline
        .iter()
        .filter(|e| e.date == today() && e.what.contains("回访"))
        .map(|e| e.what.as_str())
        .collect();
    assert_eq!(todays.len(), 2, "{todays:?}");
    assert!(
        todays.iter().all(|w| w.starts_with("入户走访")),
        "{todays:?}"
    );
    assert!(
        todays.iter().any(|w| w.contains("工业园保洁")),
        "{todays:?}"
    );
}

/// Types `text` into the focused intake field and moves on.
fn field(app: &mut App, text: &str) {
    typed(app, text);
    key(app, KeyCode::Enter);
}

#[test]
fn intake_form_shows_each_problem_beside_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Char('n'));
    // A check digit wrong, a name of one character, a phone with letters.
    field(&mut app, "360731198305041244");
    field(&mut app, "刘");
    field(&mut app, "1390797abc");
    ctrl(&mut app, 's');
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn a_lone_applicant_registered_warns_of_zero_employment_then_goes_to_review() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Char('n'));
    field(&mut app, "360731198305041243");
    field(&mut app, "刘春花");
    field(&mut app, "13907970001");
    key(&mut app, KeyCode::Enter); // 申请援助: 1 是
    key(&mut app, KeyCode::Enter); // 家庭: 1 新建家庭
    field(&mut app, "贡江镇");
    field(&mut app, "长征村");
    for _ in 0..8 {
        // address, business income, relation … registration date as given
        key(&mut app, KeyCode::Enter);
    }
    typed(&mut app, "2"); // 人员类别一: 2 低保
    field(&mut app, "于民〔2026〕88号");
    typed(&mut app, "于都县民政局");
    insta::assert_snapshot!("intake_filled", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    insta::assert_snapshot!("registered_zero_employment_warning", screen(&app, 80, 24));
    key(&mut app, KeyCode::Char('s'));
    insta::assert_snapshot!("review_applied", screen(&app, 80, 24));
}

#[test]
fn the_zero_employment_view_shows_since_when_and_the_months_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Char('6'));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("零就业家庭：现有"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn exit_review_lists_proposals_then_findings_with_their_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(5));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("> 待审核"), "a proposal first: {shown}");
    assert!(shown.contains("jingban 于"), "{shown}");
    insta::assert_snapshot!(shown);
    // Down to the first of the rules' findings: its rule and evidence.
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("程序依规则发现：连续 3 次回访"), "{shown}");
}

#[test]
fn exit_review_lists_a_case_once_with_its_other_findings_in_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(5));
    // Past the three proposals and three cases to 刘静芳, found both in stable work and no
    // longer of any category: one row, under 稳定就业 (第(五)条 names it first).
    for _ in 0..6 {
        key(&mut app, KeyCode::Down);
    }
    let shown = screen(&app, 80, 24);
    assert_eq!(
        shown.matches("刘静芳").count(),
        2,
        "a row and its panel: {shown}"
    );
    assert!(shown.contains("> 发现   刘静芳"), "{shown}");
    assert!(
        shown.contains("另有发现：其他（不再属于任何一类就业困难人员"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn a_caseworker_proposes_an_exit_from_the_review_with_a_reason_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Char('s'));
    typed(&mut app, "9");
    let asking = screen(&app, 80, 24);
    assert!(
        asking.contains("6 迁出本县") && asking.contains("11 死亡"),
        "{asking}"
    );
    insta::assert_snapshot!(asking);
    typed(&mut app, "6 户口迁往赣州市章贡区");
    key(&mut app, KeyCode::Enter);
    let done = screen(&app, 80, 24);
    assert!(done.contains("已提出退出（迁出本县）"), "{done}");
    assert!(
        done.contains("钟经办 提出退出（迁出本县）：户口迁往赣州市章贡区"),
        "{done}"
    );
}

#[test]
fn the_ledger_form_shows_its_problems_beside_the_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Enter); // the first person's household
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('z')); // 享受政策
    field(&mut app, "3");
    field(&mut app, "2026-03");
    field(&mut app, "2026-12");
    field(&mut app, "4000");
    ctrl(&mut app, 's');
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("社保卡或单位账户"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn a_payment_is_entered_on_the_selected_policy_filled_from_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::Enter); // the first person's household
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('f'));
    let none = screen(&app, 80, 24);
    assert!(none.contains("台账中还没有政策"), "{none}");
    key(&mut app, KeyCode::Char('z')); // 享受政策: a training subsidy to the card
    field(&mut app, "4");
    field(&mut app, "2026-09");
    field(&mut app, "2026-12");
    field(&mut app, "1200");
    field(&mut app, "362100000000000001");
    ctrl(&mut app, 's');
    key(&mut app, KeyCode::Char('f')); // 登记补贴发放
    let form = screen(&app, 80, 24);
    assert!(form.contains("— 登记补贴发放 —"), "{form}");
    assert!(
        form.contains("2026-11-16") && form.contains("1200"),
        "{form}"
    );
    insta::assert_snapshot!(form);
    ctrl(&mut app, 's');
    let saved = screen(&app, 80, 24);
    assert!(saved.contains("已记入台账：登记补贴发放"), "{saved}");
    assert!(saved.contains("已发放 1 次共 1200 元"), "{saved}");
    // Nothing is left to pay: a second payment is refused beside its amount.
    key(&mut app, KeyCode::Char('f'));
    ctrl(&mut app, 's');
    let over = screen(&app, 80, 24);
    assert!(over.contains("发放金额应大于 0"), "{over}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::F(1));
    let help = screen(&app, 80, 24);
    assert!(help.contains("登记选中政策的补贴发放"), "{help}");
}

#[test]
fn a_county_reviewer_approves_one_exit_and_returns_another_in_f5() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(5));
    let first = screen(&app, 80, 24);
    let name = first
        .lines()
        .find(|l| l.contains("> 待审核"))
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap()
        .to_string();
    key(&mut app, KeyCode::Char('a'));
    // Final: the screen says what will happen and waits for yes or no.
    let asking = screen(&app, 80, 24);
    assert!(asking.contains("请确认（此步不能撤回）"), "{asking}");
    assert!(
        asking.contains(&format!("批准 {name} 退出：认定将取消")),
        "{asking}"
    );
    assert!(asking.contains("Enter确认"), "{asking}");
    key(&mut app, KeyCode::Char('n'));
    let cancelled = screen(&app, 80, 24);
    assert!(cancelled.contains("已取消，未办理"), "{cancelled}");
    assert!(
        cancelled.contains("待审核3"),
        "nothing decided: {cancelled}"
    );
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Char('y'));
    let after = screen(&app, 80, 24);
    assert!(after.contains(&format!("已批准 {name} 退出")), "{after}");
    assert!(after.contains("待审核2"), "{after}");
    // The next proposal goes back with a reason.
    key(&mut app, KeyCode::Char('r'));
    typed(&mut app, "死亡证明未盖章，请补正");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let returned = screen(&app, 80, 24);
    assert!(
        returned.contains("已退回") && returned.contains("待审核1"),
        "{returned}"
    );
    // The approved person has left the follow-up queue.
    key(&mut app, KeyCode::Esc);
    typed(&mut app, "1");
    let queue = screen(&app, 80, 24);
    assert!(!queue.contains(&name), "{queue}");
}

#[test]
fn letters_typed_into_the_return_reason_are_text_not_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(5));
    key(&mut app, KeyCode::Char('r'));
    typed(&mut app, "apr 缺材料");
    let asking = screen(&app, 80, 24);
    assert!(asking.contains("退回理由：apr 缺材料"), "{asking}");
    assert!(asking.contains("待审核3"), "nothing approved: {asking}");
    key(&mut app, KeyCode::Enter);
    let confirming = screen(&app, 80, 24);
    assert!(confirming.contains("理由：apr 缺材料"), "{confirming}");
    key(&mut app, KeyCode::Enter);
    let returned = screen(&app, 80, 24);
    assert!(
        returned.contains("已退回") && returned.contains("待审核2"),
        "{returned}"
    );
}

#[test]
fn help_on_the_exits_screen_names_the_keys_that_decide() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(5));
    key(&mut app, KeyCode::F(1));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("帮助：退出审核"), "{shown}");
    for line in ["  p ", "  a ", "  r "] {
        assert!(shown.contains(line), "{line}: {shown}");
    }
    assert!(shown.contains("批准退出"), "{shown}");
}

/// Issue 13, finding 16: the options of a code field are never cut at 80 columns — those
/// that do not fit beside the field are shown whole at the foot of the form.
#[test]
fn finding_16_every_option_of_the_work_status_is_seen_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(4));
    typed(&mut app, "21"); // 电话联系, 已联系, then the caret is in 就业状态
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("公益性岗位"), "{shown}");
    for line in shown.lines() {
        assert!(!line.contains(".."), "nothing cut: {line}");
    }
}

/// Issue 13, finding 16: F1 on a form lists each code field's values.
#[test]
fn finding_16_help_on_the_form_lists_each_code_fields_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::F(1));
    let mut seen = String::new();
    for _ in 0..4 {
        seen.push_str(&screen(&app, 80, 24));
        key(&mut app, KeyCode::PageDown);
    }
    assert!(seen.contains("回访方式："), "{seen}");
    assert!(seen.contains("就业状态："), "{seen}");
    assert!(seen.contains("公益性岗位"), "{seen}");
}

/// Finding 18 (issue 13): the next login says that drafts are waiting, and how many.
#[test]
fn finding_18_the_login_mentions_the_drafts_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 40, today());
    let case = store.summaries().unwrap()[0].case;
    let draft = common::unemployed_visit(today(), yuanzhu::domain::Tier::Two);
    store.put_draft("钟经办", case, &draft).unwrap();
    store.put_draft("刘审核", case, &draft).unwrap();
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let actor = Actor {
        user: "钟经办".into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let mut app = App::new(
        Box::new(LocalBackend::new(service, actor)),
        Keymap::builtin(),
        Theme::sixteen(),
    )
    .unwrap();
    app.resize(80, 24);
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("有 1 份草稿未保存"), "{shown}");
}
