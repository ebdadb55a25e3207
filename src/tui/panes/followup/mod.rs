//! 月度回访 (第(五)条), F4: the month's follow-up of one person — the form, kept as a draft
//! while it is typed, saved against the case's `rev`, and, when someone else saved first, the
//! two versions side by side to choose from field by field. A form left unsaved is kept as
//! a draft before the pane closes; if it cannot be kept, the pane stays open.

use super::{DRAFT_DEBOUNCE, Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::CaseId;
use crate::domain::followup_form::FollowUpDraft;
use crate::service::{FormView, Request, Response, Saved, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use ratatui::Frame;
use ratatui::layout::Rect;

mod conflict;
mod form;
#[cfg(test)]
mod tests;

use conflict::ConflictPane;
use form::FollowupForm as Form;

pub struct FollowupPane {
    case: CaseId,
    /// None until the form's data arrives.
    form: Option<Form>,
    /// Over the form, when a save met someone else's save.
    conflict: Option<ConflictPane>,
    /// Where to go once the draft is kept (the form is being left).
    leaving: Option<Leave>,
}

/// Where the caseworker goes from the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leave {
    Queue,
    Household,
    Exits,
    /// The program closes (or the link dropped).
    Quit,
}

const FORM_FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::NextField, ""),
    (Action::CopyLast, ""),
    (Action::Save, ""),
    (Action::Back, "返回(留草稿)"),
    (Action::Quit, ""),
];

const CONFLICT_FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::TakeTheirs, ""),
    (Action::TakeMine, ""),
    (Action::Save, "按所选保存"),
    (Action::Back, "回到表单"),
    (Action::Quit, ""),
];

const HELP_NOTES: &[&str] = &[
    "  代码项按一个数字即选定并跳到下一项；Backspace 清空代码项",
    "  不适用的项目（如未就业时的工作单位）自动跳过",
];

impl FollowupPane {
    pub fn opening(case: CaseId) -> Self {
        Self {
            case,
            form: None,
            conflict: None,
            leaving: None,
        }
    }

    /// Leaves the form for `to`, keeping unsaved changes as a draft first.
    fn leave(&mut self, to: Leave) -> Vec<Effect> {
        self.conflict = None;
        let Some(form) = &self.form else {
            return Self::gone_to(to, self.case, None);
        };
        if form.dirty && !form.saved {
            self.leaving = Some(to);
            return vec![Effect::Ask(Request::SaveDraft {
                case: self.case,
                draft: form.draft.clone(),
            })];
        }
        Self::gone_to(to, self.case, Some(form.view.household))
    }

    /// The effects of having left the form for `to`.
    fn gone_to(
        to: Leave,
        case: CaseId,
        household: Option<crate::domain::HouseholdId>,
    ) -> Vec<Effect> {
        match to {
            Leave::Queue => vec![
                Effect::Tell(Notice::FollowupLeft(case)),
                Effect::CloseToQueue,
            ],
            Leave::Household => match household {
                Some(household) => vec![
                    Effect::Close,
                    Effect::Open(Box::new(super::household::HouseholdPane::opening(
                        household,
                        Some(case),
                    ))),
                ],
                None => vec![Effect::Close],
            },
            Leave::Exits => vec![
                Effect::Close,
                Effect::Open(Box::new(super::exits::ExitsPane::opening())),
            ],
            Leave::Quit => Vec::new(),
        }
    }

    fn save(&mut self) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        if form.saved && !form.dirty {
            return vec![say(
                StatusKind::Info,
                "已保存，无需重复保存（Esc 返回队列）",
            )];
        }
        if !form.check() {
            let n = form.errors.len();
            return vec![say(StatusKind::Error, format!("有 {n} 项需要修改，未保存"))];
        }
        vec![Effect::Ask(Request::SaveFollowUp {
            case: self.case,
            rev: form.view.rev,
            draft: form.draft.clone(),
        })]
    }

    fn opened(&mut self, view: FormView, env: &Env) -> Vec<Effect> {
        let form = Form::new(view, &env.overview.settings);
        let mut effects = vec![Effect::Tell(Notice::FollowupOpened(self.case))];
        if form.restored_draft {
            effects.push(say(StatusKind::Info, "已恢复上次未保存的草稿"));
        } else if form.view.due == Some(crate::domain::DueStatus::Done) {
            effects.push(say(StatusKind::Info, "本月已回访；再次保存将另记一次联系"));
        }
        self.form = Some(form);
        effects
    }

    fn saved(&mut self, saved: Saved, env: &Env) -> Vec<Effect> {
        let mut late = None;
        if let Some(form) = &mut self.form {
            form.mark_saved(saved.rev, saved.date);
            let month = crate::domain::YearMonth::of(saved.date);
            late = (month != crate::domain::YearMonth::of(form.view.today)).then_some(month);
        }
        // A late entry covers last month (第(五)条, `late_entry_days`): say so, so nobody
        // takes it for this month's visit.
        let what = match late {
            Some(month) => format!("已补录 {} 的回访，计入{}", saved.date, month.label()),
            None => format!("已保存 {} 的回访", saved.date),
        };
        let (kind, note) =
            super::zero_employment_note(saved.zero_employment.as_ref(), &env.overview.settings);
        vec![say(kind, format!("{what}{note}"))]
    }

    /// A save met another's save of the same case: what they saved, and if it says
    /// something else than this form, the two side by side.
    fn meet_conflict(&mut self, view: FormView) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        let by = view.last_by.clone().unwrap_or_else(|| "他人".into());
        let Some(theirs) = view.last.as_ref().map(FollowUpDraft::of_saved) else {
            form.view.rev = view.rev;
            return vec![say(
                StatusKind::Error,
                "未保存：此案件刚被他人更新，请核对后再按 Ctrl-S 保存",
            )];
        };
        let their_date = view.last.as_ref().map(|a| a.date).unwrap_or(view.today);
        match ConflictPane::new(&form.draft, theirs, by.clone(), view.rev) {
            None => {
                form.mark_saved(view.rev, their_date);
                vec![
                    Effect::Ask(Request::DiscardDraft { case: self.case }),
                    say(
                        StatusKind::Ok,
                        format!("{by} 刚保存了内容相同的回访，无需再保存"),
                    ),
                ]
            }
            Some(pane) => {
                let n = pane.fields.len();
                self.conflict = Some(pane);
                vec![say(
                    StatusKind::Error,
                    format!("未保存：{by} 已保存此人的回访，有 {n} 项不同，请逐项选择"),
                )]
            }
        }
    }

    fn update_conflict(&mut self, action: Action) -> Vec<Effect> {
        let Some(conflict) = &mut self.conflict else {
            return Vec::new();
        };
        match action {
            Action::Up => conflict.move_by(-1),
            Action::Down => conflict.move_by(1),
            Action::TakeTheirs => conflict.keep(true),
            Action::TakeMine => conflict.keep(false),
            Action::Save => {
                if let (Some(c), Some(form)) = (self.conflict.take(), &mut self.form) {
                    form.take_resolution(c.resolved(&form.draft), c.rev);
                    return self.save();
                }
            }
            Action::Back => {
                if let (Some(c), Some(form)) = (self.conflict.take(), &mut self.form) {
                    form.view.rev = c.rev;
                }
                return vec![say(
                    StatusKind::Info,
                    "已回到表单：再保存将按您填写的另记一次回访，对方的记录仍保留",
                )];
            }
            Action::ShowQueue => return self.leave(Leave::Queue),
            Action::ShowHousehold => return self.leave(Leave::Household),
            Action::ShowExits => return self.leave(Leave::Exits),
            _ => {}
        }
        Vec::new()
    }
}

impl Pane for FollowupPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Followup
    }

    fn context(&self) -> Context {
        if self.conflict.is_some() {
            Context::Conflict
        } else {
            Context::Followup
        }
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![Effect::Ask(Request::FollowUpForm { case: self.case })]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        if self.conflict.is_some() {
            return self.update_conflict(action);
        }
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        match action {
            Action::NextField | Action::Down | Action::Open => form.next_field(),
            Action::PrevField | Action::Up => form.prev_field(),
            Action::CopyLast => {
                return vec![if form.copy_last(&env.overview.settings) {
                    say(
                        StatusKind::Info,
                        "已照上次填写，回访日期为今天；核对后 Ctrl-S 保存",
                    )
                } else {
                    say(StatusKind::Error, "此人没有以前的回访记录，无法照上次填写")
                }];
            }
            Action::Save => return self.save(),
            Action::Type(c) => return super::why(form.type_char(c)),
            Action::Edit(edit) => form.edit(edit.request()),
            Action::Paste(text) => return super::why(form.paste(&text)),
            Action::Back | Action::ShowQueue => return self.leave(Leave::Queue),
            Action::ShowHousehold => return self.leave(Leave::Household),
            Action::ShowExits => return self.leave(Leave::Exits),
            _ => {}
        }
        Vec::new()
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        env: &Env,
    ) -> Vec<Effect> {
        match (asked, answer) {
            (Request::FollowUpForm { .. }, Ok(Response::FollowUpForm(view))) => {
                if self.form.is_none() {
                    self.opened(view, env)
                } else {
                    self.meet_conflict(view)
                }
            }
            (Request::FollowUpForm { .. }, Err(e)) if self.form.is_none() => {
                vec![say(StatusKind::Error, e.to_string()), Effect::Close]
            }
            (Request::FollowUpForm { .. }, Err(e)) => vec![super::failed("未保存", &e)],
            (Request::SaveFollowUp { .. }, Ok(Response::Saved(saved))) => self.saved(saved, env),
            (Request::SaveFollowUp { .. }, Err(ServiceError::Invalid(errors))) => {
                let n = errors.len();
                if let Some(form) = &mut self.form {
                    form.show_errors(errors);
                }
                vec![say(StatusKind::Error, format!("有 {n} 项需要修改，未保存"))]
            }
            (Request::SaveFollowUp { .. }, Err(ServiceError::Conflict(_))) => {
                vec![Effect::Ask(Request::FollowUpForm { case: self.case })]
            }
            (Request::SaveFollowUp { .. }, Err(e)) => vec![super::failed("未保存", &e)],
            (Request::SaveDraft { draft, .. }, result) => {
                let kept = result.is_ok();
                if let Some(form) = &mut self.form
                    && kept
                    && form.draft == draft
                {
                    form.unkept_since = None;
                }
                match (self.leaving.take(), result) {
                    (None, _) => Vec::new(),
                    (Some(to), Ok(_)) => {
                        let name = self.form.as_ref().map(|f| f.view.name.clone());
                        let household = self.form.as_ref().map(|f| f.view.household);
                        let mut effects = vec![say(
                            StatusKind::Info,
                            format!("{} 的回访未保存，已留作草稿", name.unwrap_or_default()),
                        )];
                        effects.extend(Self::gone_to(to, self.case, household));
                        effects
                    }
                    (Some(to), Err(e)) => {
                        let mut effects = vec![super::failed("草稿未能保留", &e)];
                        if to == Leave::Quit {
                            effects.push(Effect::StayOpen);
                        }
                        effects
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    fn tick(&mut self) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return Vec::new();
        };
        let due = form
            .unkept_since
            .is_some_and(|t| t.elapsed() >= DRAFT_DEBOUNCE);
        if !due || form.saved || self.leaving.is_some() {
            return Vec::new();
        }
        vec![Effect::Ask(Request::SaveDraft {
            case: self.case,
            draft: form.draft.clone(),
        })]
    }

    fn closing(&mut self) -> Vec<Effect> {
        self.leave(Leave::Quit)
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        if self.conflict.is_some() {
            CONFLICT_FOOTER
        } else {
            FORM_FOOTER
        }
    }

    fn help_notes(&self) -> Vec<String> {
        match (&self.form, &self.conflict) {
            (Some(form), None) => HELP_NOTES
                .iter()
                .map(|n| n.to_string())
                .chain(form.code_values())
                .collect(),
            _ => Vec::new(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        match (&self.form, &self.conflict) {
            (Some(f), Some(c)) => c.render(frame, area, env.theme, &f.view.name, &f.draft),
            (Some(f), None) => f.render(frame, area, env.theme),
            _ => {}
        }
    }
}
