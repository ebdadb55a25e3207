//! The queue driven by actions and answers alone: which pages and changes it asks for, how
//! it patches its window, what it opens, and how it follows the other panes' news. The
//! answers come from a scripted server that pages a list of rows the way the service does.

use super::*;
use crate::domain::name_search::{Searchable, matches};
use crate::domain::{CaseId, DueStatus};
use crate::service::{QueueChange, QueueChanges, QueueCounts, QueuePage, QueueRow};
use crate::tui::panes::fixtures::{applicant, asked, env, opened, overview, row, said};
use crate::tui::theme::Theme;

/// A server holding `rows` (the whole queue, in its order) at data sequence `seq`.
struct Server {
    rows: Vec<QueueRow>,
    seq: u64,
}

impl Server {
    fn counts(&self) -> QueueCounts {
        let mut c = QueueCounts::default();
        for r in &self.rows {
            match r.due {
                Some(DueStatus::Overdue) => c.overdue += 1,
                Some(DueStatus::DueSoon) => c.due_soon += 1,
                Some(DueStatus::Due) => c.due += 1,
                Some(DueStatus::Done) => c.done += 1,
                None => c.applications += 1,
            }
        }
        c
    }

    fn slice(&self, slice: QueueView, search: &str) -> Vec<QueueRow> {
        let today = crate::tui::panes::fixtures::today();
        self.rows
            .iter()
            .filter(|r| slice.holds(r, today))
            .filter(|r| {
                matches(
                    search,
                    &Searchable {
                        name: &r.name,
                        initials: &r.initials,
                        id_tail: &r.id_tail,
                        phone: &r.phone,
                    },
                )
            })
            .cloned()
            .collect()
    }

    fn page(&self, q: &QueueQuery) -> QueuePage {
        let rows = self.slice(q.slice, &q.search);
        let total = rows.len();
        if total == 0 {
            return QueuePage {
                seq: self.seq,
                counts: self.counts(),
                ..QueuePage::default()
            };
        }
        let anchor = match q.at {
            QueueAt::First => 0,
            QueueAt::Last => total - 1,
            QueueAt::Case(case) => rows.iter().position(|r| r.case == case).unwrap_or(0),
            QueueAt::Row(n) => (n as usize).min(total - 1),
        };
        let from = anchor.saturating_sub(usize::from(q.before));
        let to = (anchor + usize::from(q.after) + 1).min(total);
        QueuePage {
            seq: self.seq,
            from: from as u32,
            total: total as u32,
            at: Some((anchor - from) as u32),
            rows: rows[from..to].to_vec(),
            counts: self.counts(),
        }
    }

    /// The changes of `cases` as the service gives them: each case's row and position now.
    fn changes(&self, cases: &[u64], slice: QueueView, search: &str) -> QueueChanges {
        let rows = self.slice(slice, search);
        let changed = cases
            .iter()
            .map(|n| QueueChange {
                case: CaseId(*n),
                now: rows
                    .iter()
                    .position(|r| r.case == CaseId(*n))
                    .map(|at| (at as u32, rows[at].clone())),
            })
            .collect();
        QueueChanges {
            seq: self.seq,
            changed: Some(changed),
            total: rows.len() as u32,
            counts: self.counts(),
        }
    }

    /// Answers every request among `effects` the pane can be answered for, in order, and
    /// what those answers make it ask in turn; returns the requests answered.
    fn answer_all(&self, queue: &mut QueuePane, effects: Vec<Effect>) -> Vec<Request> {
        let (o, t) = (overview(), Theme::sixteen());
        let mut log = Vec::new();
        let mut waiting: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = waiting.pop_front() {
            let request = match effect {
                Effect::Ask(r) | Effect::Fetch(r) => r,
                _ => continue,
            };
            let answer = match &request {
                Request::QueuePage(q) => Response::QueuePage(self.page(q)),
                Request::QueueChanges { slice, search, .. } => {
                    Response::QueueChanges(self.changes(&[], *slice, search))
                }
                _ => Response::Done,
            };
            log.push(request.clone());
            waiting.extend(queue.answer(request, Ok(answer), &env(&o, &t)));
        }
        log
    }
}

fn three() -> Vec<QueueRow> {
    vec![
        row(1, "赖春梅", DueStatus::Overdue),
        row(2, "钟小军", DueStatus::Due),
        row(3, "刘桂英", DueStatus::Due),
    ]
}

/// `n` rows due, cases 1..=n.
fn many(n: u64) -> Vec<QueueRow> {
    (1..=n)
        .map(|i| row(i, &format!("人员{i}"), DueStatus::Due))
        .collect()
}

/// A queue opened on `server`: it asked for its first page only.
fn opened_on(server: &Server) -> QueuePane {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = QueuePane::new();
    let start = queue.start(&env(&o, &t));
    let Some(Request::QueuePage(q)) = asked(&start).first().copied().cloned() else {
        panic!("the queue opened without asking a page: {start:?}");
    };
    assert_eq!(q.at, QueueAt::First);
    assert!(
        usize::from(q.before + q.after) <= 4 * 18,
        "a few screens: {q:?}"
    );
    let log = server.answer_all(&mut queue, start);
    assert_eq!(log.len(), 1);
    queue
}

fn loaded(rows: Vec<QueueRow>) -> QueuePane {
    opened_on(&Server { rows, seq: 1 })
}

fn pages(requests: &[&Request]) -> Vec<QueueQuery> {
    requests
        .iter()
        .filter_map(|r| match r {
            Request::QueuePage(q) => Some(q.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn enter_opens_the_selected_household_and_f4_its_follow_up() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.update(Action::Down, &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
    let effects = queue.update(Action::Open, &env(&o, &t));
    assert_eq!(opened(&effects), vec![PaneKind::Household]);
    let effects = queue.update(Action::Followup, &env(&o, &t));
    assert_eq!(opened(&effects), vec![PaneKind::Followup]);
}

#[test]
fn an_empty_queue_says_there_is_no_one_to_open() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(Vec::new());
    let effects = queue.update(Action::Followup, &env(&o, &t));
    assert_eq!(said(&effects), vec![(StatusKind::Info, "没有选中的人员")]);
    assert!(opened(&effects).is_empty());
}

#[test]
fn moving_within_the_window_asks_nothing_and_paging_past_it_asks_a_new_page() {
    let (o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: many(500),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    assert_eq!(queue.list.total(), 500);
    // The first page holds the anchor and two screens after it: 37 rows.
    let effects = queue.update(Action::PageDown, &env(&o, &t));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(queue.selected_case(), Some(CaseId(19)));
    let effects = queue.update(Action::PageDown, &env(&o, &t));
    let asked_for = pages(&asked(&effects));
    assert_eq!(asked_for.len(), 1, "{effects:?}");
    assert_eq!(asked_for[0].at, QueueAt::Row(36));
    // Until the page comes the selection stays where it was.
    assert_eq!(queue.selected_case(), Some(CaseId(19)));
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(37)));
    // End asks the last page; Home the first again.
    let effects = queue.update(Action::Last, &env(&o, &t));
    assert_eq!(pages(&asked(&effects))[0].at, QueueAt::Last);
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(500)));
    let effects = queue.update(Action::Up, &env(&o, &t));
    assert!(effects.is_empty());
    assert_eq!(queue.selected_case(), Some(CaseId(499)));
    let effects = queue.update(Action::First, &env(&o, &t));
    assert_eq!(pages(&asked(&effects))[0].at, QueueAt::First);
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(1)));
}

#[test]
fn a_view_asks_its_own_page_from_the_selected_case() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut rows = three();
    rows.push(applicant(8, "王五"));
    let server = Server { rows, seq: 1 };
    let mut queue = opened_on(&server);
    let effects = queue.update(Action::ViewOverdue, &env(&o, &t));
    let q = &pages(&asked(&effects))[0];
    assert_eq!(
        (q.slice, q.at),
        (QueueView::Overdue, QueueAt::Case(CaseId(1)))
    );
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.list.total(), 1);
    let effects = queue.update(Action::ViewInitialReview, &env(&o, &t));
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(8)));
}

#[test]
fn a_delta_patches_the_one_row_that_changed_and_asks_no_page() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.update(Action::Down, &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
    // 钟小军's visit is saved: the row moves to the done rows at the end.
    let done = server.rows.remove(1);
    server.rows.push(QueueRow {
        due: Some(DueStatus::Done),
        ..done
    });
    server.seq = 2;
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    assert_eq!(
        asked(&effects),
        vec![&Request::QueueChanges {
            since: 1,
            slice: QueueView::FollowUps,
            search: String::new(),
        }]
    );
    let more = queue.answer(
        asked(&effects)[0].clone(),
        Ok(Response::QueueChanges(server.changes(
            &[2],
            QueueView::FollowUps,
            "",
        ))),
        &env(&o, &t),
    );
    assert!(asked(&more).is_empty(), "no page asked: {more:?}");
    assert_eq!(queue.list.window.seq, 2);
    assert_eq!(queue.list.window.counts.done, 1);
    let order: Vec<_> = (0..3)
        .filter_map(|p| queue.list.window.row_at(p).map(|r| r.case.0))
        .collect();
    assert_eq!(order, vec![1, 3, 2]);
    // The selection followed its case.
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
    assert_eq!(
        queue.list.selected_row().and_then(|r| r.due),
        Some(DueStatus::Done)
    );
}

#[test]
fn a_delta_that_cannot_be_placed_exactly_reloads_the_window_around_the_selection() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut server = Server {
        rows: many(500),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    let effects = queue.update(Action::Last, &env(&o, &t));
    server.answer_all(&mut queue, effects);
    // A row far before the window changed: where it was is not known here.
    server.rows.remove(0);
    server.seq = 2;
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let more = queue.answer(
        asked(&effects)[0].clone(),
        Ok(Response::QueueChanges(server.changes(
            &[1],
            QueueView::FollowUps,
            "",
        ))),
        &env(&o, &t),
    );
    let q = &pages(&asked(&more))[0];
    assert_eq!(q.at, QueueAt::Case(CaseId(500)));
    server.answer_all(&mut queue, more);
    assert_eq!(queue.selected_case(), Some(CaseId(500)));
    assert_eq!(queue.list.total(), 499);
}

#[test]
fn changes_said_to_be_too_many_reload_the_window() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.update(Action::Down, &env(&o, &t));
    server.rows.insert(0, row(9, "黄小燕", DueStatus::Overdue));
    server.seq = 7;
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let behind = QueueChanges {
        changed: None,
        ..server.changes(&[], QueueView::FollowUps, "")
    };
    let more = queue.answer(
        asked(&effects)[0].clone(),
        Ok(Response::QueueChanges(behind)),
        &env(&o, &t),
    );
    assert_eq!(pages(&asked(&more))[0].at, QueueAt::Case(CaseId(2)));
    server.answer_all(&mut queue, more);
    assert_eq!(queue.list.total(), 4);
    assert_eq!(queue.list.window.seq, 7);
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
}

#[test]
fn data_changing_again_while_changes_are_asked_asks_once_more_after() {
    let (o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    let first = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let second = queue.notice(&Notice::DataChanged, &env(&o, &t));
    assert_eq!(asked(&first).len(), 1);
    assert!(second.is_empty());
    let log = server.answer_all(&mut queue, first);
    assert_eq!(log.len(), 2, "{log:?}");
}

#[test]
fn typed_search_asks_pages_in_the_background_and_esc_clears_it() {
    let (o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.update(Action::Search, &env(&o, &t));
    assert_eq!(queue.context(), Context::Search);
    let effects = queue.update(Action::Type('刘'), &env(&o, &t));
    assert!(
        matches!(effects.as_slice(), [Effect::Fetch(Request::QueuePage(q))] if q.search == "刘")
    );
    server.answer_all(&mut queue, effects);
    let effects = queue.update(Action::Type('桂'), &env(&o, &t));
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(3)));
    assert_eq!(queue.list.total(), 1);
    let effects = queue.update(Action::Back, &env(&o, &t));
    assert_eq!(queue.context(), Context::Queue);
    let q = &pages(&asked(&effects))[0];
    assert_eq!((q.search.as_str(), q.at), ("", QueueAt::Case(CaseId(3))));
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.list.total(), 3);
    assert_eq!(queue.selected_case(), Some(CaseId(3)));
}

#[test]
fn keys_typed_faster_than_search_answers_ask_once_for_what_was_typed() {
    let (o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.update(Action::Search, &env(&o, &t));
    let first = queue.update(Action::Type('刘'), &env(&o, &t));
    assert!(queue.update(Action::Type('桂'), &env(&o, &t)).is_empty());
    assert!(queue.update(Action::Type('英'), &env(&o, &t)).is_empty());
    let log = server.answer_all(&mut queue, first);
    let searched: Vec<_> = log
        .iter()
        .filter_map(|r| match r {
            Request::QueuePage(q) => Some(q.search.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(searched, vec!["刘", "刘桂英"]);
    assert_eq!(queue.list.total(), 1);
    assert_eq!(queue.selected_case(), Some(CaseId(3)));
}

#[test]
fn keys_that_pick_a_row_wait_for_the_rows_of_the_search_typed() {
    let (o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: vec![
            row(1, "赖春梅", DueStatus::Overdue),
            row(2, "钟小军", DueStatus::Due),
            row(3, "钟桂英", DueStatus::Due),
        ],
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.update(Action::Search, &env(&o, &t));
    let fetch = queue.update(Action::Type('钟'), &env(&o, &t));
    // Down and Enter before the answer: they act on 钟's rows, not the stale ones.
    let wait = queue.update(Action::Down, &env(&o, &t));
    assert!(matches!(wait.as_slice(), [Effect::Ask(Request::QueuePage(q))] if q.search == "钟"));
    assert!(queue.update(Action::Open, &env(&o, &t)).is_empty());
    let mut all = fetch;
    all.extend(wait);
    server.answer_all(&mut queue, all);
    assert_eq!(queue.selected_case(), Some(CaseId(3)));
    // Enter was applied after Down: the search line is closed, the filter kept.
    assert_eq!(queue.context(), Context::Queue);
    assert_eq!(queue.list.filter(), "钟");
}

#[test]
fn finding_17_slash_starts_a_new_query_instead_of_appending_to_the_old_one() {
    let (o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.update(Action::Search, &env(&o, &t));
    for c in "赖春梅".chars() {
        let effects = queue.update(Action::Type(c), &env(&o, &t));
        server.answer_all(&mut queue, effects);
    }
    queue.update(Action::Open, &env(&o, &t));
    assert_eq!(queue.list.filter(), "赖春梅");
    // The next `/` shows the old query; the first key replaces it.
    queue.update(Action::Search, &env(&o, &t));
    assert_eq!(queue.list.filter(), "赖春梅");
    let effects = queue.update(Action::Type('钟'), &env(&o, &t));
    assert_eq!(queue.list.filter(), "钟");
    assert_eq!(pages(&asked(&effects))[0].search, "钟");
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
    // A key that edits rather than types keeps the query: here Left, then a character.
    queue.update(Action::Open, &env(&o, &t));
    queue.update(Action::Search, &env(&o, &t));
    queue.update(Action::Edit(crate::tui::action::Edit::End), &env(&o, &t));
    queue.update(Action::Type('小'), &env(&o, &t));
    assert_eq!(queue.list.filter(), "钟小");
}

#[test]
fn a_pasted_search_drops_control_characters() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.update(Action::Search, &env(&o, &t));
    queue.update(Action::Paste("钟\u{1b}[31m小".into()), &env(&o, &t));
    assert_eq!(queue.list.filter(), "钟[31m小");
}

#[test]
fn leaving_a_follow_up_moves_on_to_the_next_one_due() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.notice(&Notice::FollowupOpened(CaseId(1)), &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(1)));
    // The save moved case 1 to the done rows; the queue patched its window.
    server.rows = vec![
        row(2, "钟小军", DueStatus::Due),
        row(3, "刘桂英", DueStatus::Due),
        row(1, "赖春梅", DueStatus::Done),
    ];
    server.seq = 2;
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let more = queue.answer(
        asked(&effects)[0].clone(),
        Ok(Response::QueueChanges(server.changes(
            &[1],
            QueueView::FollowUps,
            "",
        ))),
        &env(&o, &t),
    );
    assert!(more.is_empty());
    queue.notice(&Notice::FollowupLeft(CaseId(1)), &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
}

#[test]
fn a_person_just_registered_is_selected_among_initial_reviews() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut rows = three();
    rows.push(applicant(8, "王五"));
    rows.push(applicant(9, "李四"));
    let server = Server { rows, seq: 1 };
    let mut queue = opened_on(&server);
    let effects = queue.notice(&Notice::Registered(CaseId(9)), &env(&o, &t));
    assert_eq!(queue.view(), QueueView::InitialReview);
    let q = &pages(&asked(&effects))[0];
    assert_eq!(
        (q.slice, q.at),
        (QueueView::InitialReview, QueueAt::Case(CaseId(9)))
    );
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(9)));
}

#[test]
fn the_zero_employment_view_says_the_counts() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    let effects = queue.update(Action::ViewZeroEmployment, &env(&o, &t));
    assert!(asked(&effects).contains(&&Request::ZeroEmployment));
    let counts = vec![crate::service::ZeroEmploymentCount {
        township_name: "欣山镇".into(),
        current: 2,
        found_this_month: 1,
        cleared_this_month: 0,
        ended_this_month: 0,
        past_deadline: Vec::new(),
    }];
    let effects = queue.answer(
        Request::ZeroEmployment,
        Ok(Response::ZeroEmployment(counts)),
        &env(&o, &t),
    );
    assert_eq!(
        said(&effects),
        vec![(
            StatusKind::Info,
            "零就业家庭：现有 2 户，本月新增 1 户，本月清零 0 户"
        )]
    );
}

#[test]
fn a_failed_fetch_is_said_and_the_rows_stay() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    let effects = queue.update(Action::ViewOverdue, &env(&o, &t));
    let effects = queue.answer(
        asked(&effects)[0].clone(),
        Err(ServiceError::Link("连接已断开".into())),
        &env(&o, &t),
    );
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Error, "读取队列失败：连接已断开")]
    );
    assert_eq!(queue.list.total(), 3);
}

/// The pane drawn at 80×24 (its body: the terminal less header, status and footer).
fn screen(queue: &QueuePane, theme: &Theme) -> String {
    let o = overview();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 21))
        .unwrap_or_else(|e| {
            panic!("{e}");
        });
    terminal
        .draw(|f| queue.render(f, f.area(), &env(&o, theme)))
        .unwrap_or_else(|e| panic!("{e}"));
    let buffer = terminal.backend().buffer();
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

/// The queue on the 23rd of the month: follow-ups not yet done are 即将到期.
fn late_in_the_month() -> QueuePane {
    let (mut o, t) = (overview(), Theme::sixteen());
    o.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let rows = vec![
        row(1, "赖春梅", DueStatus::Overdue),
        row(2, "钟小军", DueStatus::DueSoon),
        row(3, "刘桂英", DueStatus::DueSoon),
        row(4, "黄志强", DueStatus::Done),
    ];
    let server = Server { rows, seq: 1 };
    let mut queue = QueuePane::new();
    let start = queue.start(&env(&o, &t));
    let Some(Request::QueuePage(q)) = asked(&start).first().copied().cloned() else {
        panic!("no page asked");
    };
    queue.answer(
        Request::QueuePage(q.clone()),
        Ok(Response::QueuePage(server.page(&q))),
        &env(&o, &t),
    );
    queue
}

#[test]
fn due_soon_rows_have_their_own_label_and_header_count() {
    let queue = late_in_the_month();
    let shown = screen(&queue, &Theme::sixteen());
    insta::assert_snapshot!("queue_with_due_soon_rows", shown);
    assert!(shown.contains("即将到期2"), "{shown}");
    assert!(shown.contains("即将到期 钟小军"), "{shown}");
}

#[test]
fn due_soon_is_told_from_overdue_in_the_monochrome_theme_too() {
    use ratatui::style::Modifier;
    let queue = late_in_the_month();
    let o = overview();
    let theme = Theme::mono();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 21))
        .unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|f| queue.render(f, f.area(), &env(&o, &theme)))
        .unwrap_or_else(|e| panic!("{e}"));
    let buffer = terminal.backend().buffer();
    // Rows 3 and 4 of the body: 逾期 and then 即将到期, in the status column.
    let overdue = buffer[(3, 2)].modifier;
    let due_soon = buffer[(3, 3)].modifier;
    assert_eq!(buffer[(3, 3)].symbol(), "即");
    assert_ne!(overdue, due_soon);
    assert!(due_soon.contains(Modifier::UNDERLINED));
}

#[test]
fn before_the_due_soon_day_the_status_column_stays_narrow() {
    let queue = loaded(three());
    let shown = screen(&queue, &Theme::sixteen());
    assert!(shown.contains("  状态 姓名"), "{shown}");
    assert!(!shown.contains("即将到期"), "{shown}");
}

#[test]
fn over_the_days_turn_the_window_is_asked_again_whatever_the_log_says() {
    let (mut o, t) = (overview(), Theme::sixteen());
    let server = Server {
        rows: three(),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    o.today = o.today.succ_opt().unwrap_or(o.today);
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let q = &pages(&asked(&effects))[0];
    assert_eq!(q.at, QueueAt::Case(CaseId(1)));
}

#[test]
fn leaving_a_follow_up_asks_for_the_next_ones_when_the_window_no_longer_holds_them() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut server = Server {
        rows: many(500),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.notice(&Notice::FollowupOpened(CaseId(1)), &env(&o, &t));
    // Case 1 was saved and moved to the end; the server said to reload, and the window
    // was asked again around it.
    let first = server.rows.remove(0);
    server.rows.push(QueueRow {
        due: Some(DueStatus::Done),
        ..first
    });
    server.seq = 2;
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let behind = QueueChanges {
        changed: None,
        ..server.changes(&[], QueueView::FollowUps, "")
    };
    let more = queue.answer(
        asked(&effects)[0].clone(),
        Ok(Response::QueueChanges(behind)),
        &env(&o, &t),
    );
    assert_eq!(pages(&asked(&more))[0].at, QueueAt::Case(CaseId(1)));
    server.answer_all(&mut queue, more);
    assert_eq!(queue.selected_case(), Some(CaseId(1)));
    // Case 2, next after it then, is far from there now: its rows are asked for.
    let effects = queue.notice(&Notice::FollowupLeft(CaseId(1)), &env(&o, &t));
    assert_eq!(pages(&asked(&effects))[0].at, QueueAt::Case(CaseId(2)));
    server.answer_all(&mut queue, effects);
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
}

#[test]
fn a_saved_follow_up_moving_out_of_the_window_asks_no_page_and_leaving_moves_on() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut server = Server {
        rows: many(500),
        seq: 1,
    };
    let mut queue = opened_on(&server);
    queue.notice(&Notice::FollowupOpened(CaseId(1)), &env(&o, &t));
    let first = server.rows.remove(0);
    server.rows.push(QueueRow {
        due: Some(DueStatus::Done),
        ..first
    });
    server.seq = 2;
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    let more = queue.answer(
        asked(&effects)[0].clone(),
        Ok(Response::QueueChanges(server.changes(
            &[1],
            QueueView::FollowUps,
            "",
        ))),
        &env(&o, &t),
    );
    assert!(more.is_empty(), "patched: {more:?}");
    let effects = queue.notice(&Notice::FollowupLeft(CaseId(1)), &env(&o, &t));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
}
