//! The people counted in one figure of the 统计 table (Enter on the figure): a page of the
//! server's at a time, with the name, the ID masked, the township and why the figure counts
//! them; Enter opens the person's household as the queue does. It holds no more than the
//! page on screen; ↑ at the top and ↓ at the bottom turn the page.

use super::super::{Effect, Env, StatusKind, say};
use crate::domain::stats_measure::{Counts, Measure};
use crate::domain::{TownshipCode, YearMonth};
use crate::service::{Request, StatsPeoplePage};
use crate::tui::cells::{clip, fit};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Which way a page request turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Turn {
    First,
    Next,
    Prev,
}

pub(super) struct PeopleList {
    pub(super) month: YearMonth,
    /// `None`: the county total (the townships the actor covers).
    pub(super) township: Option<TownshipCode>,
    /// The row's name as the table shows it (a township, or 全县合计).
    pub(super) place: String,
    pub(super) measure: Measure,
    /// The figure as the table shows it (援助率 reads as a percentage).
    pub(super) figure: String,
    /// The rows a page carries: what fits on screen.
    limit: u32,
    /// The `after` key of each page shown so far, the current one last.
    pub(super) starts: Vec<Option<String>>,
    /// The page asked for and the way it turns, while its answer is on its way.
    asking: Option<(Option<String>, Turn)>,
    pub(super) page: Option<StatsPeoplePage>,
    pub(super) selected: usize,
}

/// The lines above the rows: the count and page, and the columns' heading.
const ABOVE: usize = 2;

impl PeopleList {
    /// The list of one figure, with the request for its first page.
    pub(super) fn opening(
        month: YearMonth,
        township: Option<TownshipCode>,
        place: String,
        measure: Measure,
        figure: String,
        env: &Env,
    ) -> (Self, Vec<Effect>) {
        let mut list = Self {
            month,
            township,
            place,
            measure,
            figure,
            limit: u32::try_from(env.list_height.saturating_sub(ABOVE - 1).max(1))
                .unwrap_or(u32::MAX),
            starts: Vec::new(),
            asking: None,
            page: None,
            selected: 0,
        };
        let effects = list.turn(Turn::First);
        (list, effects)
    }

    fn request(&self, after: Option<String>) -> Request {
        Request::StatsPeople {
            month: self.month,
            township: self.township.clone(),
            measure: self.measure,
            after,
            limit: self.limit,
        }
    }

    fn turn(&mut self, turn: Turn) -> Vec<Effect> {
        let after = match turn {
            Turn::First => None,
            Turn::Next => match self.page.as_ref().and_then(|p| p.next.clone()) {
                Some(next) => Some(next),
                None => return Vec::new(),
            },
            Turn::Prev => match self.starts.len().checked_sub(2) {
                Some(at) => self.starts[at].clone(),
                None => return Vec::new(),
            },
        };
        self.asking = Some((after.clone(), turn));
        vec![Effect::Ask(self.request(after))]
    }

    fn rows(&self) -> usize {
        self.page.as_ref().map_or(0, |p| p.people.len())
    }

    pub(super) fn up(&mut self) -> Vec<Effect> {
        if self.selected > 0 {
            self.selected -= 1;
            return Vec::new();
        }
        self.turn(Turn::Prev)
    }

    pub(super) fn down(&mut self) -> Vec<Effect> {
        if self.selected + 1 < self.rows() {
            self.selected += 1;
            return Vec::new();
        }
        self.turn(Turn::Next)
    }

    pub(super) fn page_up(&mut self) -> Vec<Effect> {
        let turned = self.turn(Turn::Prev);
        if turned.is_empty() {
            self.selected = 0;
        }
        turned
    }

    pub(super) fn page_down(&mut self) -> Vec<Effect> {
        let turned = self.turn(Turn::Next);
        if turned.is_empty() {
            self.selected = self.rows().saturating_sub(1);
        }
        turned
    }

    /// The selected person's household, opened as the queue opens it.
    pub(super) fn open(&self) -> Vec<Effect> {
        match self.page.as_ref().and_then(|p| p.people.get(self.selected)) {
            Some(p) => match p.household {
                Some(h) => vec![Effect::Open(Box::new(
                    super::super::household::HouseholdPane::opening(h, p.case),
                ))],
                // A lead has no household yet: it is worked on in the 线索 pane.
                None => vec![Effect::Open(Box::new(
                    super::super::leads::LeadsPane::opening(),
                ))],
            },
            None => vec![say(StatusKind::Info, "没有选中的人员")],
        }
    }

    /// Whether `asked` is the request for the page this list waits for.
    pub(super) fn waits_for(&self, asked: &Request) -> bool {
        match (asked, &self.asking) {
            (
                Request::StatsPeople {
                    month,
                    township,
                    measure,
                    after,
                    ..
                },
                Some((waited, _)),
            ) => {
                *month == self.month
                    && *township == self.township
                    && *measure == self.measure
                    && after == waited
            }
            _ => false,
        }
    }

    /// The page waited for has come.
    pub(super) fn arrived(&mut self, page: StatsPeoplePage) {
        let Some((after, turn)) = self.asking.take() else {
            return;
        };
        match turn {
            Turn::First => self.starts = vec![after],
            Turn::Next => self.starts.push(after),
            Turn::Prev => {
                self.starts.pop();
            }
        }
        self.selected = match turn {
            Turn::Prev => page.people.len().saturating_sub(1),
            _ => 0,
        };
        self.page = Some(page);
    }

    /// The page waited for did not come: the list stays as it was.
    pub(super) fn failed(&mut self) {
        self.asking = None;
    }

    pub(super) fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        let theme = env.theme;
        let title = format!(
            " 统计名单 {} {} {} ",
            self.month.label(),
            self.place,
            self.measure.label()
        );
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let Some(page) = &self.page else {
            let lines = vec![Line::from(Span::styled("  读取中…", theme.dim()))];
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        };
        let unit = match self.measure.counts() {
            Counts::Households => "户",
            Counts::Leads => "条",
            Counts::Cases | Counts::Ledgers => "人",
        };
        // The pages already turned count even when the total moved between pages.
        let turned = self.starts.len() + usize::from(page.next.is_some());
        let pages = usize::try_from(page.total.div_ceil(self.limit.max(1)))
            .unwrap_or(usize::MAX)
            .max(turned);
        let mut summary = format!(
            "  {}：{}，共 {} {unit}",
            self.measure.label(),
            self.figure,
            page.total
        );
        if page.total > 0 {
            summary.push_str(&format!("  第 {}/{} 页", self.starts.len(), pages));
        }
        let mut lines = vec![Line::from(Span::styled(clip(&summary, w), theme.label()))];
        if page.people.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::raw(clip(
                &format!(
                    "  {}本月此项为 0，没有可列出的{}。按 Esc 返回统计表。",
                    self.place,
                    match self.measure.counts() {
                        Counts::Households => "家庭",
                        Counts::Leads => "线索",
                        Counts::Cases | Counts::Ledgers => "人员",
                    }
                ),
                w,
            )));
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let name = match self.measure.counts() {
            Counts::Households => "家庭",
            Counts::Leads => "线索",
            Counts::Cases | Counts::Ledgers => "姓名",
        };
        lines.push(
            Line::raw(clip(
                &format!(
                    "  {}{}{}{}",
                    fit(name, 10),
                    fit("身份证号", 19),
                    fit("乡镇", 10),
                    "计入原因"
                ),
                w,
            ))
            .style(theme.label()),
        );
        for (i, p) in page.people.iter().enumerate() {
            let row = format!(
                "{}{}{}{}",
                fit(&p.name, 10),
                fit(&p.id_masked, 19),
                fit(&p.township_name, 10),
                p.reason
            );
            lines.push(Line::from(vec![
                Span::styled(if i == self.selected { "> " } else { "  " }, theme.marker()),
                Span::raw(clip(&row, w.saturating_sub(2))),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
