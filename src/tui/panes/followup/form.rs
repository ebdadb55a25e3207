//! 月度回访: the follow-up form, built for speed (第(五)条). Code fields take one key and
//! move on; fields that do not apply to the work status are skipped; Ctrl-R copies the
//! latest follow-up (照上次); every problem is shown next to its field in Chinese; the real
//! cursor sits at the caret's display column so input methods draw their window there.

use crate::domain::followup_form::{Field, FollowUpDraft, FormContext};
use crate::domain::form::format_date;
use crate::domain::visit_month::VisitMonth;
use crate::domain::{DueStatus, Settings, YearMonth};
use crate::service::FormView;
use crate::tui::form::{FormState, RowLayout};
use crate::tui::theme::Theme;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The follow-up form is its [`FormState`] (reached through `Deref`, so the field, focus
/// and typing methods are the form's own) plus the case it is about.
pub(super) struct FollowupForm {
    pub(super) view: FormView,
    form: FormState<FollowUpDraft>,
    pub(super) restored_draft: bool,
    /// The `late_entry_days` setting: how long last month's visits can still be entered.
    late_entry_days: u32,
}

impl std::ops::Deref for FollowupForm {
    type Target = FormState<FollowUpDraft>;
    fn deref(&self) -> &Self::Target {
        &self.form
    }
}

impl std::ops::DerefMut for FollowupForm {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.form
    }
}

const ROWS: RowLayout = RowLayout {
    label_cells: 12,
    value_cells: 30,
    gap: 1,
    highlight_label: true,
    hints: true,
};

impl FollowupForm {
    pub fn new(view: FormView, settings: &Settings) -> Self {
        let ctx = context(&view, settings.late_entry_days);
        let (draft, restored) = match &view.draft {
            Some(d) => (d.clone(), true),
            None => (FollowUpDraft::blank(&ctx, settings), false),
        };
        Self {
            view,
            form: FormState::new(draft, Field::Method),
            restored_draft: restored,
            late_entry_days: settings.late_entry_days,
        }
    }

    pub fn context(&self) -> FormContext {
        context(&self.view, self.late_entry_days)
    }

    /// 照上次. Returns false when there is no earlier follow-up.
    pub fn copy_last(&mut self, settings: &Settings) -> bool {
        let Some(last) = &self.view.last else {
            return false;
        };
        let copy = FollowUpDraft::copy_of(last, &self.context(), settings);
        self.form.errors.clear();
        self.form.replace(copy, Field::NextContact);
        true
    }

    /// Checks the form; on problems, focuses the first and returns false.
    pub fn check(&mut self) -> bool {
        let ctx = self.context();
        self.form.check(&ctx)
    }

    /// 第(四)条: the default rule's tier for the work status being entered (the last known
    /// one while it is blank), so a person placed in work is suggested 三级 as it is typed.
    pub fn tier_line(&self) -> String {
        let mut facts = self.view.tier_facts.clone();
        if let Some(in_work) = self.form.draft.in_work() {
            facts.in_work = in_work;
        }
        crate::domain::tier::suggestion_line(self.view.tier, &facts)
    }

    /// A conflict resolved: the chosen answers, to be saved against the case as it is now.
    pub fn take_resolution(&mut self, draft: FollowUpDraft, rev: u64) {
        self.view.rev = rev;
        let focus = self.form.focus();
        self.form.replace(draft, focus);
    }

    /// The form is saved as `rev`, for a visit on `date`: this month is done only when the
    /// visit lies in it (a late entry covers last month, and this month stays as it was).
    pub fn mark_saved(&mut self, rev: u64, date: NaiveDate) {
        self.view.rev = rev;
        self.form.dirty = false;
        self.form.saved = true;
        self.form.unkept_since = None;
        self.restored_draft = false;
        if YearMonth::of(date) == YearMonth::of(self.view.today) {
            self.view.due = Some(DueStatus::Done);
        }
    }

    /// What the header says of the month: this month's state, or the month a late entry
    /// covers, so a visit of last month is never shown as this month's.
    fn month_spans(&self, theme: &Theme) -> Vec<Span<'static>> {
        if let Some(VisitMonth::LateEntry(month)) = self.form.draft.visit_month(&self.context()) {
            return vec![
                Span::raw("  "),
                Span::styled(
                    format!("补录{}", month.label()),
                    theme.due(DueStatus::DueSoon),
                ),
            ];
        }
        let v = &self.view;
        vec![
            Span::raw("  本月 "),
            Span::styled(
                v.due.map(|d| d.label()).unwrap_or("").to_string(),
                v.due.map(|d| theme.due(d)).unwrap_or_default(),
            ),
        ]
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let v = &self.view;
        let title = format!(" 月度回访 {} {} ", v.name, v.today.format("%Y年%m月"));
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);

        let mut lines = Vec::with_capacity(16);
        let mut head = vec![
            Span::raw(format!(
                "{}  {}  {}  {}",
                v.name,
                v.id_masked,
                v.tier.label(),
                v.township_name
            )),
            Span::raw(format!(
                "  认定 {}",
                v.recognised_on
                    .map(format_date)
                    .unwrap_or_else(|| "--".into())
            )),
        ];
        head.extend(self.month_spans(theme));
        lines.push(Line::from(head));
        let last = match &v.last {
            Some(a) => {
                let what = match a.outcome {
                    crate::domain::followup::ContactOutcome::Reached => a.work_status.label(),
                    other => other.label(),
                };
                let mut s = format!("上次 {} {} {what}", format_date(a.date), a.method.label());
                if let Some(e) = &a.employment {
                    s.push_str(&format!(" {} {}元", e.employer, e.monthly_wage));
                }
                s
            }
            None => "上次 无回访记录".to_string(),
        };
        lines.push(Line::from(Span::styled(
            crate::tui::cells::clip(&last, usize::from(inner.width)),
            theme.dim(),
        )));
        let mut cursor: Option<Position> = None;
        for field in Field::ALL {
            let (line, caret) = self.form.row(field, &ROWS, usize::from(inner.width), theme);
            if let Some(x) = caret {
                let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
                cursor = Some(Position::new(inner.x + u16::try_from(x).unwrap_or(0), y));
            }
            lines.push(line);
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            crate::tui::cells::clip(&self.tier_line(), usize::from(inner.width)),
            theme.dim(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
        let foot = self.form.overflow(&ROWS, usize::from(inner.width), theme);
        crate::tui::form::draw_at_foot(frame, inner, foot);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}

fn context(view: &FormView, late_entry_days: u32) -> FormContext {
    FormContext {
        today: view.today,
        recognised_on: view.recognised_on,
        tier: view.tier,
        late_entry_days,
    }
}
