//! 统计 (第(十三)条 统计监测, R-STAT-1), F8 or `m` in the queue: the chosen month's figures
//! by township with the county total, one group of figures at a time (Tab changes it), and
//! the rate of 第(五)条 (R-KPI-1) by township as bars against the 90% line. `[` and `]`
//! change the month; it opens on the session's month. ← and → choose a figure of the group
//! in the selected row, and Enter lists the people it counts ([`people`]); Esc there comes
//! back to the table as it was.

mod people;
#[cfg(test)]
mod tests;

use super::{Effect, Env, Pane, PaneKind};
use crate::domain::YearMonth;
use crate::domain::followup::WorkStatus;
use crate::domain::stats::{Contribution, MonthTable, RATE_FORMULA, RATE_TARGET_PERCENT};
use crate::domain::stats_columns;
use crate::domain::stats_measure::Measure;
use crate::service::{Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::cells::{clip, fit};
use crate::tui::keymap::Context;
use people::PeopleList;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The groups of figures of cases and households, each fitting 80 columns beside the
/// township's name; the ledger's and the leads' follow ([`stats_columns::groups`]).
const CASE_GROUPS: [&str; 5] = ["在册", "就业", "援助率", "零就业", "回访"];

/// Every group's tab, in order.
fn tabs() -> Vec<&'static str> {
    let mut t = CASE_GROUPS.to_vec();
    t.extend(stats_columns::groups().iter().map(|g| g.tab));
    t
}

/// The ledger's or the leads' group shown as tab `group`, if it is one of theirs.
fn more(group: usize) -> Option<&'static stats_columns::Group> {
    let i = group.checked_sub(CASE_GROUPS.len())?;
    stats_columns::groups().get(i)
}

/// The bar's width in cells for 100%.
const BAR: usize = 40;

/// The township column's width.
const NAME: usize = 10;

pub struct StatsPane {
    month: YearMonth,
    /// None until the table arrives.
    table: Option<MonthTable>,
    selected: usize,
    group: usize,
    /// The figure of the group chosen in the selected row: what Enter lists.
    figure: usize,
    /// The people of the chosen figure, while they are listed.
    people: Option<PeopleList>,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::PrevMonth, "上月"),
    (Action::NextMonth, "下月"),
    (Action::NextField, "换一组"),
    (Action::Open, "名单"),
    (Action::Back, ""),
    (Action::Quit, ""),
];

const PEOPLE_FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::PageDown, ""),
    (Action::PageUp, ""),
    (Action::Open, "户档案"),
    (Action::Back, "统计表"),
    (Action::Quit, ""),
];

impl StatsPane {
    /// The pane on the month of `today`.
    pub fn opening(today: chrono::NaiveDate) -> Self {
        Self {
            month: YearMonth::of(today),
            table: None,
            selected: 0,
            group: 0,
            figure: 0,
            people: None,
        }
    }

    /// The list of the chosen figure in the selected row, and the request for its first page.
    fn drill(&mut self, env: &Env) -> Vec<Effect> {
        let Some(table) = &self.table else {
            return Vec::new();
        };
        let (township, place, counts) = match table.rows.get(self.selected) {
            Some(r) => (Some(r.township.clone()), r.name.clone(), &r.counts),
            None => (None, "全县合计".to_string(), &table.total),
        };
        let Some(measure) = measures(self.group).get(self.figure).copied() else {
            return Vec::new();
        };
        let figure = figures(self.group, counts)
            .get(self.figure)
            .cloned()
            .unwrap_or_default();
        let (list, effects) =
            PeopleList::opening(self.month, township, place, measure, figure, env);
        self.people = Some(list);
        effects
    }

    fn set_group(&mut self, group: usize) {
        self.group = group;
        self.figure = self.figure.min(measures(group).len().saturating_sub(1));
    }

    fn ask(&self) -> Vec<Effect> {
        vec![Effect::Ask(Request::Stats {
            month: self.month,
            township: None,
        })]
    }

    /// Townships and the county total.
    fn total_rows(&self) -> usize {
        self.table.as_ref().map_or(0, |t| t.rows.len() + 1)
    }

    fn move_to(&mut self, at: isize) {
        let last = self.total_rows().saturating_sub(1);
        self.selected = usize::try_from(at.max(0)).unwrap_or(0).min(last);
    }
}

/// The group's column headings and one row's figures.
fn heading(group: usize) -> Vec<String> {
    if let Some(g) = more(group) {
        return g.columns.iter().map(|c| c.short.clone()).collect();
    }
    match group {
        0 => ["月初", "新增", "退出", "月末"].map(String::from).to_vec(),
        1 => {
            let mut h = vec!["在岗".to_string()];
            h.extend(WorkStatus::ALL.iter().map(|s| s.label().to_string()));
            h
        }
        2 => ["援助率", "分子", "分母", "本年帮扶"]
            .map(String::from)
            .to_vec(),
        3 => ["现有", "新增", "清零", "超期"].map(String::from).to_vec(),
        _ => ["应访", "已访", "逾期"].map(String::from).to_vec(),
    }
}

fn figures(group: usize, c: &Contribution) -> Vec<String> {
    if let Some(g) = more(group) {
        return g.columns.iter().map(|col| col.value(c).text()).collect();
    }
    match group {
        0 => [c.at_start, c.new, c.exited_total(), c.at_end]
            .map(|n| n.to_string())
            .to_vec(),
        1 => {
            let mut f = vec![c.in_work().to_string()];
            f.extend(c.by_status.iter().map(u32::to_string));
            f
        }
        2 => vec![
            c.rate_label(),
            c.rate_numerator.to_string(),
            c.rate_denominator.to_string(),
            c.helped_this_year.to_string(),
        ],
        3 => [
            c.zero_at_end,
            c.zero_found,
            c.zero_cleared,
            c.zero_past_deadline,
        ]
        .map(|n| n.to_string())
        .to_vec(),
        _ => [c.followups_due, c.followups_done, c.followups_overdue]
            .map(|n| n.to_string())
            .to_vec(),
    }
}

/// The figure each column of a group counts, in the order of [`figures`].
fn measures(group: usize) -> Vec<Measure> {
    if let Some(g) = more(group) {
        return g.columns.iter().map(|c| c.measure).collect();
    }
    match group {
        0 => vec![
            Measure::AtStart,
            Measure::New,
            Measure::Exited,
            Measure::AtEnd,
        ],
        1 => {
            let mut m = vec![Measure::InWork];
            m.extend(WorkStatus::ALL.iter().map(|s| Measure::Status(*s)));
            m
        }
        2 => vec![
            Measure::Rate,
            Measure::RateNumerator,
            Measure::RateDenominator,
            Measure::HelpedThisYear,
        ],
        3 => vec![
            Measure::ZeroAtEnd,
            Measure::ZeroFound,
            Measure::ZeroCleared,
            Measure::ZeroPastDeadline,
        ],
        _ => vec![
            Measure::FollowupsDue,
            Measure::FollowupsDone,
            Measure::FollowupsOverdue,
        ],
    }
}

/// A column's text in `col` cells; when `style` is given, on the text and not its padding
/// (an underline under the figure only, in the monochrome theme).
fn cell(text: &str, col: usize, style: Option<ratatui::style::Style>) -> Vec<Span<'static>> {
    let padded = fit(text, col);
    match style {
        None => vec![Span::raw(padded)],
        Some(style) => {
            let shown = padded.trim_end().to_string();
            let pad = padded[shown.len()..].to_string();
            vec![Span::styled(shown, style), Span::raw(pad)]
        }
    }
}

/// The column width for a group: ten cells, nine for a group of seven figures so it fits
/// 80 columns beside the township's name.
fn column(group: usize) -> usize {
    if heading(group).len() >= 7 { 9 } else { 10 }
}

/// A bar of the rate (40 cells, 2.5% each), `#` up to it and `.` after, with `|` on the target: legible without
/// colour and in ASCII.
pub(crate) fn bar(permille: Option<u32>) -> String {
    let filled = permille.map_or(0, |p| (p.min(1000) as usize * BAR).div_ceil(1000));
    let target = RATE_TARGET_PERCENT as usize * BAR / 100;
    (0..BAR)
        .map(|i| match i {
            _ if i == target => '|',
            _ if i < filled => '#',
            _ => '.',
        })
        .collect()
}

impl Pane for StatsPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Stats
    }

    fn context(&self) -> Context {
        if self.people.is_some() {
            Context::StatsPeople
        } else {
            Context::Stats
        }
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        self.ask()
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        if let Some(list) = &mut self.people {
            return match action {
                Action::Up => list.up(),
                Action::Down => list.down(),
                Action::PageUp => list.page_up(),
                Action::PageDown => list.page_down(),
                Action::Open | Action::ShowHousehold => list.open(),
                Action::Back => {
                    self.people = None;
                    Vec::new()
                }
                Action::ShowQueue => vec![Effect::CloseToQueue],
                _ => Vec::new(),
            };
        }
        let at = self.selected as isize;
        let last_figure = measures(self.group).len().saturating_sub(1);
        match action {
            Action::Up => self.move_to(at - 1),
            Action::Down => self.move_to(at + 1),
            Action::First => self.move_to(0),
            Action::Last => self.move_to(isize::MAX),
            Action::NextField => self.set_group((self.group + 1) % tabs().len()),
            Action::PrevField => self.set_group((self.group + tabs().len() - 1) % tabs().len()),
            Action::NextFigure => self.figure = (self.figure + 1).min(last_figure),
            Action::PrevFigure => self.figure = self.figure.saturating_sub(1),
            Action::Open => return self.drill(env),
            Action::PrevMonth => {
                self.month = self.month.prev();
                return self.ask();
            }
            Action::NextMonth => {
                self.month = self.month.next();
                return self.ask();
            }
            Action::Back => return vec![Effect::Close],
            Action::ShowQueue => return vec![Effect::CloseToQueue],
            Action::ShowStats => return self.start(env),
            _ => {}
        }
        Vec::new()
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        if let Some(list) = &mut self.people
            && list.waits_for(&asked)
        {
            match answer {
                Ok(Response::StatsPeople(page)) => list.arrived(page),
                Ok(_) => list.failed(),
                Err(e) => {
                    list.failed();
                    if list.page.is_none() {
                        self.people = None;
                    }
                    return vec![super::failed("读取统计名单失败", &e)];
                }
            }
            return Vec::new();
        }
        match (asked, answer) {
            (Request::Stats { month, .. }, Ok(Response::Stats(table))) if month == self.month => {
                self.table = Some(*table);
                self.move_to(self.selected as isize);
                Vec::new()
            }
            (Request::Stats { .. }, Err(e)) if self.table.is_none() => {
                vec![super::failed("读取统计失败", &e), Effect::Close]
            }
            (_, Err(e)) => vec![super::failed("读取统计失败", &e)],
            (_, Ok(_)) => Vec::new(),
        }
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        if self.people.is_some() {
            PEOPLE_FOOTER
        } else {
            FOOTER
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        if let Some(list) = &self.people {
            list.render(frame, area, env);
            return;
        }
        let theme = env.theme;
        let groups: Vec<String> = tabs()
            .iter()
            .enumerate()
            .map(|(i, g)| {
                if i == self.group {
                    format!("[{g}]")
                } else {
                    g.to_string()
                }
            })
            .collect();
        let title = format!(" 统计 {} {} ", self.month.label(), groups.join(" "));
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let col = column(self.group);
        let mut head = vec![Span::raw("  "), Span::raw(fit("乡镇", NAME))];
        for (k, h) in heading(self.group).iter().enumerate() {
            head.extend(cell(h, col, (k == self.figure).then(|| theme.focus())));
        }
        let mut lines = vec![Line::from(head).style(theme.label())];
        let Some(table) = &self.table else {
            lines.push(Line::from(Span::styled("  读取中…", theme.dim())));
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        };
        let all: Vec<(&str, &Contribution)> = table
            .rows
            .iter()
            .map(|r| (r.name.as_str(), &r.counts))
            .chain(std::iter::once(("全县合计", &table.total)))
            .collect();
        // Header, the rate's heading and the formula's three lines are fixed; the table and
        // the bars share the rest. When every bar does not fit (the county), the selected
        // row's bar alone is drawn and the table scrolls.
        let height = usize::from(inner.height);
        let fixed = 5;
        let all_bars = all.len() + table.rows.len() + fixed <= height;
        let bars: Vec<(&str, &Contribution)> = if all_bars {
            all[..table.rows.len()].to_vec()
        } else {
            all.get(self.selected).copied().into_iter().collect()
        };
        let shown = height.saturating_sub(fixed + bars.len()).max(1);
        let offset = self.selected.saturating_sub(shown.saturating_sub(1));
        for (i, (name, c)) in all.iter().enumerate().skip(offset).take(shown) {
            let mut spans = vec![
                Span::styled(if i == self.selected { "> " } else { "  " }, theme.marker()),
                Span::raw(fit(name, NAME)),
            ];
            // The chosen figure is marked in the selected row only: moving it redraws two
            // cells' worth, not the row.
            for (k, f) in figures(self.group, c).iter().enumerate() {
                let chosen = i == self.selected && k == self.figure;
                spans.extend(cell(f, col, chosen.then(|| theme.focus())));
            }
            let line = Line::from(spans);
            lines.push(if i == table.rows.len() {
                line.style(theme.label())
            } else {
                line
            });
        }
        lines.push(Line::from(Span::styled(
            clip(
                &format!(
                    "援助率（目标 {RATE_TARGET_PERCENT}%，| 为目标线）：全县 {}",
                    table.total.rate_label()
                ),
                w,
            ),
            theme.label(),
        )));
        for (name, c) in bars {
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::raw(fit(name, NAME)),
                Span::raw(bar(c.rate_permille())),
                Span::raw(" "),
                Span::raw(c.rate_label()),
            ]));
        }
        lines.push(Line::from(Span::styled(RATE_FORMULA, theme.dim())));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
