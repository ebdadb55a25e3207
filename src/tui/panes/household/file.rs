//! 户档案: one household, one file (第(四)条 一户一档) — its members with age, sex,
//! categories and work status, whether it is a zero-employment household, and the timeline
//! of recognitions, follow-ups and status changes, newest first.

use crate::domain::CaseId;
use crate::domain::form::format_date;
use crate::service::HouseholdView;
use crate::tui::cells::{clip, fit};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) struct HouseholdFile {
    pub(super) view: HouseholdView,
    /// Full ID numbers revealed (and audited) while this household is open.
    pub(super) revealed: Vec<(crate::domain::PersonId, String)>,
    pub(super) selected: usize,
    timeline_offset: usize,
}

impl HouseholdFile {
    pub fn new(view: HouseholdView, focus: Option<CaseId>) -> Self {
        let selected = view
            .members
            .iter()
            .position(|m| m.case.as_ref().map(|c| c.case) == focus && focus.is_some())
            .unwrap_or(0);
        Self {
            view,
            revealed: Vec::new(),
            selected,
            timeline_offset: 0,
        }
    }

    pub fn selected_case(&self) -> Option<CaseId> {
        self.view
            .members
            .get(self.selected)
            .and_then(|m| m.case.as_ref().map(|c| c.case))
    }

    pub fn selected_person(&self) -> Option<crate::domain::PersonId> {
        self.view.members.get(self.selected).map(|m| m.person)
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.view.members.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn scroll_timeline(&mut self, delta: isize) {
        let last = self.view.timeline.len().saturating_sub(1);
        self.timeline_offset = self.timeline_offset.saturating_add_signed(delta).min(last);
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let v = &self.view;
        let head = v
            .members
            .iter()
            .find(|m| m.relation == crate::domain::Relation::Head)
            .or(v.members.first())
            .map(|m| m.name.as_str())
            .unwrap_or("");
        let title = format!(" 户档案 {}户 {}人 ", head, v.members.len());
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);

        let mut lines = Vec::new();
        let mut place = vec![Span::raw(clip(
            &format!("{} {}  {}", v.township_name, v.village, v.address),
            w.saturating_sub(24),
        ))];
        if v.zero_employment {
            let since = v.zero_since.map(format_date).unwrap_or_default();
            place.push(Span::raw("  "));
            place.push(Span::styled(format!("零就业家庭 自{since}"), theme.warn()));
        }
        lines.push(Line::from(place));
        lines.push(
            Line::from(vec![
                Span::raw("  "),
                Span::raw(fit("姓名", 9)),
                Span::raw(fit("关系", 5)),
                Span::raw(fit("性别", 5)),
                Span::raw(fit("年龄", 5)),
                Span::raw(fit("就业状态", 11)),
                Span::raw(fit("援助", 13)),
                Span::raw("类别"),
            ])
            .style(theme.label()),
        );
        for (i, m) in v.members.iter().enumerate() {
            let marker = if i == self.selected { "> " } else { "  " };
            let case = match &m.case {
                Some(c) => format!("{}{}", c.status.label(), c.tier.label()),
                None => String::new(),
            };
            let cats: Vec<&str> = m.categories.iter().map(|c| c.short_label()).collect();
            let mut spans = vec![
                Span::styled(marker, theme.marker()),
                Span::raw(fit(&m.name, 9)),
                Span::raw(fit(m.relation.label(), 5)),
                Span::raw(fit(m.sex.label(), 5)),
                Span::raw(fit(&m.age.to_string(), 5)),
                Span::raw(fit(m.work_status.label(), 11)),
                Span::raw(fit(&case, 13)),
            ];
            spans.push(Span::raw(clip(&cats.join(" "), w.saturating_sub(50))));
            lines.push(Line::from(spans));
        }
        if let Some(m) = v.members.get(self.selected) {
            let shown = self
                .revealed
                .iter()
                .find(|(p, _)| *p == m.person)
                .map(|(_, id)| id.clone());
            let line = match shown {
                Some(id) => format!("  {} 身份证号 {id}（已记入审计）", m.name),
                None => format!("  {} 身份证号 {}（F6 显示完整号码）", m.name, m.id_masked),
            };
            lines.push(Line::from(Span::styled(clip(&line, w), theme.dim())));
        }
        lines.push(Line::from(Span::styled(
            format!("记录（共{}条，PgUp/PgDn 翻看）", v.timeline.len()),
            theme.label(),
        )));
        let room = usize::from(inner.height).saturating_sub(lines.len());
        for e in v.timeline.iter().skip(self.timeline_offset).take(room) {
            let text = format!("{}  {}  {}", format_date(e.date), fit(&e.who, 8), e.what);
            lines.push(Line::from(clip(&text, w)));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
