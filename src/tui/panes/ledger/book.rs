//! 援助台账: one member's public-welfare posts, policies and dibao linkage (R-LEDGER-1),
//! with what ends the post now held; and the small forms that add to it — typed field by
//! field, problems shown beside their field.

use crate::domain::ledger::{DibaoKind, EntryKind, LedgerDraft, LedgerField, PaidTo, PolicyRecord};
use crate::domain::payment::payment_draft;
use crate::service::LedgerView;
use crate::tui::cells::clip;
use crate::tui::form::{FormState, RowLayout};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// One entry form under the ledger: its [`FormState`], reached through `Deref`.
pub(super) struct EntryForm {
    form: FormState<LedgerDraft>,
    /// For 登记补贴发放: the policy paid, by its place in the ledger.
    pub(super) policy: Option<u32>,
}

impl std::ops::Deref for EntryForm {
    type Target = FormState<LedgerDraft>;
    fn deref(&self) -> &Self::Target {
        &self.form
    }
}

impl std::ops::DerefMut for EntryForm {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.form
    }
}

/// Every field of an entry form applies, and takes its answer as text: no hints, the
/// problem right after the value.
const ROWS: RowLayout = RowLayout {
    label_cells: 22,
    value_cells: 24,
    gap: 0,
    highlight_label: false,
    hints: false,
};

impl EntryForm {
    pub fn new(kind: EntryKind, today: chrono::NaiveDate) -> Self {
        let first = kind
            .fields()
            .first()
            .copied()
            .unwrap_or(LedgerField::PostType);
        Self {
            form: FormState::new(LedgerDraft::blank(kind, today), first),
            policy: None,
        }
    }

    /// 登记补贴发放 for the ledger's policy number `index`, filled from its record.
    pub fn payment(index: u32, policy: &PolicyRecord, today: chrono::NaiveDate) -> Self {
        Self {
            form: FormState::new(payment_draft(policy, today), LedgerField::PaidOn),
            policy: Some(index),
        }
    }

    pub fn kind(&self) -> EntryKind {
        self.form.draft.kind()
    }
}

pub(super) struct LedgerBook {
    pub(super) view: LedgerView,
    pub(super) form: Option<EntryForm>,
    /// The policy `f` pays, marked `>` in the list.
    pub(super) selected: usize,
}

impl LedgerBook {
    pub fn new(view: LedgerView) -> Self {
        Self {
            view,
            form: None,
            selected: 0,
        }
    }

    /// Moves the policy marker by one, staying on the list.
    pub fn select(&mut self, down: bool) {
        let last = self.view.ledger.policies.len().saturating_sub(1);
        self.selected = match down {
            true => (self.selected + 1).min(last),
            false => self.selected.saturating_sub(1),
        };
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let v = &self.view;
        let title = format!(" 援助台账 {} {} ", v.name, v.id_masked);
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let mut lines: Vec<Line> = Vec::new();
        let status = v.status.map(|s| s.label()).unwrap_or("无援助申请");
        lines.push(Line::from(Span::styled(
            format!("案件：{status}"),
            theme.label(),
        )));
        lines.push(Line::from(Span::styled("公益性岗位", theme.label())));
        if v.ledger.posts.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", theme.dim())));
        }
        for p in &v.ledger.posts {
            let pl = &p.placement;
            let ended = match &p.ended {
                Some((on, why)) => format!("，{} 退出：{}", on.format("%Y-%m-%d"), why.label()),
                None => "，在岗".into(),
            };
            lines.push(Line::from(clip(
                &format!(
                    "  {} {} {}至{} 岗位补贴{}元/月 社保补贴{}元/月{ended}",
                    pl.post_type.label(),
                    pl.employer,
                    pl.start.format("%Y-%m-%d"),
                    pl.end.format("%Y-%m-%d"),
                    pl.post_subsidy,
                    pl.insurance_subsidy
                ),
                w,
            )));
        }
        for t in &v.post_triggers {
            lines.push(Line::from(Span::styled(
                clip(&format!("  应办理岗位退出：{}（按 x）", t.label()), w),
                theme.error(),
            )));
        }
        lines.push(Line::from(Span::styled("享受政策", theme.label())));
        if v.ledger.policies.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", theme.dim())));
        }
        for (i, p) in v.ledger.policies.iter().enumerate() {
            // A marker, not a highlighted row: moving it redraws two cells.
            let mark = if i == self.selected { ">" } else { " " };
            let to = match &p.paid_to {
                PaidTo::Card(c) => format!("社保卡 {c}"),
                PaidTo::UnitAccount(a) => format!("单位账户 {a}"),
            };
            let split = p
                .months
                .as_ref()
                .map(|m| {
                    format!(
                        "（一次性{}个月，按月{}个月）",
                        m.lump_sum.len(),
                        m.monthly.len()
                    )
                })
                .unwrap_or_default();
            lines.push(Line::from(clip(
                &format!(
                    "{mark} {} {}至{} {}元 发放至{to}{split}",
                    p.kind.label(),
                    p.from.label(),
                    p.to.label(),
                    p.amount
                ),
                w,
            )));
            if let Some(last) = p.payments.last() {
                lines.push(Line::from(Span::styled(
                    clip(
                        &format!(
                            "    已发放 {} 次共 {} 元，最近 {} {}元（{}至{}）",
                            p.payments.len(),
                            p.paid(),
                            last.on.format("%Y-%m-%d"),
                            last.amount,
                            last.from.label(),
                            last.to.label()
                        ),
                        w,
                    ),
                    theme.dim(),
                )));
            }
        }
        lines.push(Line::from(Span::styled("低保联动", theme.label())));
        if v.ledger.dibao.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", theme.dim())));
        }
        for d in &v.ledger.dibao {
            let what = match d.kind {
                DibaoKind::CostDeduction { monthly } => format!("就业成本扣减 {monthly}元/月"),
                DibaoKind::GradualExit { until } => {
                    format!("低保渐退至 {}", until.format("%Y-%m-%d"))
                }
            };
            lines.push(Line::from(clip(
                &format!("  {} {what} {}", d.on.format("%Y-%m-%d"), d.note),
                w,
            )));
        }
        let mut cursor = None;
        match &self.form {
            None => {
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    "g 安置公益性岗位  x 岗位退出  z 享受政策  b 低保联动  f 补贴发放",
                    theme.focus(),
                )));
            }
            Some(form) => {
                lines.push(Line::from(Span::styled(
                    format!("— {} —", form.kind().title()),
                    theme.title(),
                )));
                for field in form.kind().fields() {
                    let (line, caret) = form.row(*field, &ROWS, w, theme);
                    if let Some(x) = caret {
                        cursor = Some(Position::new(
                            inner.x + u16::try_from(x).unwrap_or(0),
                            inner.y + u16::try_from(lines.len()).unwrap_or(0),
                        ));
                    }
                    lines.push(line);
                }
            }
        }
        // Keep the form in view on a small screen: show the last lines that fit.
        let room = usize::from(inner.height);
        let skip = lines.len().saturating_sub(room);
        if let Some(p) = cursor.as_mut() {
            p.y = p.y.saturating_sub(u16::try_from(skip).unwrap_or(0));
        }
        let shown: Vec<Line> = lines.into_iter().skip(skip).collect();
        frame.render_widget(Paragraph::new(shown), inner);
        if let Some(form) = &self.form {
            crate::tui::form::draw_at_foot(frame, inner, form.overflow(&ROWS, w, theme));
        }
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}
