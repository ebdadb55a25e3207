//! 登记 (R-RECOG-2), `n` in the queue: the counter's registration form. It is kept as the
//! account's draft as it is typed, and kept in memory when left with Esc, so the caseworker
//! can serve someone else and come back to it; it closes for good when the person is
//! registered.

use super::{DRAFT_DEBOUNCE, Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::intake::IntakeDraft;
use crate::service::{Registered, Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;

mod form;
#[cfg(test)]
mod tests;

use form::IntakeForm as Form;

pub struct IntakePane {
    today: NaiveDate,
    township: Option<String>,
    /// None until the kept draft (or its absence) is known.
    form: Option<Form>,
    /// Registered: nothing left to keep.
    done: bool,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::NextField, ""),
    (Action::Save, "登记"),
    (Action::Back, ""),
    (Action::Quit, ""),
];

impl IntakePane {
    /// A registration form for `today`, at the caseworker's `township`; it asks for the
    /// account's kept draft when it opens.
    pub fn opening(today: NaiveDate, township: Option<String>) -> Self {
        Self {
            today,
            township,
            form: None,
            done: false,
        }
    }

    /// The form kept as the account's draft, when typed into and left alone for
    /// `DRAFT_DEBOUNCE` (or at once, with `now`).
    fn keep(&self, now: bool) -> Vec<Effect> {
        let Some(form) = &self.form else {
            return Vec::new();
        };
        let due = form
            .unkept_since
            .is_some_and(|t| now || t.elapsed() >= DRAFT_DEBOUNCE);
        if !due || self.done {
            return Vec::new();
        }
        vec![Effect::Ask(Request::SaveIntakeDraft {
            draft: form.draft.clone(),
        })]
    }

    /// 登记: checked here, then by the service (duplicates, township, category).
    fn register(&mut self) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        if !form.check() {
            return vec![Self::problems(&form.errors)];
        }
        vec![Effect::Ask(Request::Register {
            draft: form.draft.clone(),
        })]
    }

    fn problems(errors: &[(crate::domain::intake::IntakeField, String)]) -> Effect {
        let first = errors
            .first()
            .map(|(f, m)| format!("{}：{m}", f.label().trim()))
            .unwrap_or_default();
        say(
            StatusKind::Error,
            format!("有 {} 项需要修改，未登记。{first}", errors.len()),
        )
    }

    fn registered(&mut self, done: Registered, env: &Env) -> Vec<Effect> {
        self.done = true;
        let mut effects = vec![Effect::CloseToQueue];
        let mut text = match done.case {
            Some(case) => {
                effects.push(Effect::Tell(Notice::Registered(case)));
                format!("已登记 {}，申请进入待初审", done.name)
            }
            None => format!("已登记 {} 为家庭成员", done.name),
        };
        let (kind, note) =
            super::zero_employment_note(done.zero_employment.as_ref(), &env.overview.settings);
        text.push_str(&note);
        effects.push(say(kind, text));
        effects
    }

    fn kept(&mut self, draft: &IntakeDraft) {
        if let Some(form) = &mut self.form
            && form.draft == *draft
        {
            form.unkept_since = None;
        }
    }
}

impl Pane for IntakePane {
    fn kind(&self) -> PaneKind {
        PaneKind::Intake
    }

    fn context(&self) -> Context {
        Context::Intake
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![Effect::Ask(Request::IntakeDraft)]
    }

    fn update(&mut self, action: Action, _env: &Env) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        match action {
            Action::NextField | Action::Down | Action::Open => form.next_field(),
            Action::PrevField | Action::Up => form.prev_field(),
            Action::Save => return self.register(),
            Action::Type(c) => return super::why(form.type_char(c)),
            Action::Edit(edit) => form.edit(edit.request()),
            Action::Paste(text) => return super::why(form.paste(&text)),
            Action::Back | Action::ShowQueue => {
                let dirty = form.dirty;
                let mut effects = self.keep(true);
                effects.push(Effect::Close);
                if dirty && action == Action::Back {
                    effects.push(say(StatusKind::Info, "登记表未保存，按 n 可继续填写"));
                }
                return effects;
            }
            Action::ShowExits => {
                let mut effects = self.keep(true);
                effects.push(Effect::Close);
                effects.push(Effect::Open(Box::new(super::exits::ExitsPane::opening())));
                return effects;
            }
            Action::Followup | Action::ShowHousehold => {
                return vec![say(
                    StatusKind::Info,
                    "请先完成登记（Ctrl-S），或按 Esc 返回队列",
                )];
            }
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
            (Request::IntakeDraft, Ok(Response::IntakeDraft(Some(draft)))) => {
                self.form = Some(Form::with_draft(self.today, draft));
                vec![say(StatusKind::Info, "已恢复上次未登记完的登记表")]
            }
            (Request::IntakeDraft, _) => {
                self.form = Some(Form::new(self.today, self.township.as_deref()));
                Vec::new()
            }
            (Request::SaveIntakeDraft { draft }, Ok(_)) => {
                self.kept(&draft);
                Vec::new()
            }
            (Request::Register { .. }, Ok(Response::Registered(done))) => {
                self.registered(done, env)
            }
            (Request::Register { .. }, Err(ServiceError::InvalidIntake(errors))) => {
                let said = Self::problems(&errors);
                if let Some(form) = &mut self.form {
                    form.show_errors(errors);
                }
                vec![said]
            }
            // Held in another township: the problem is the ID number, and the caret goes
            // there, so what is typed next does not land in another field.
            (Request::Register { .. }, Err(ServiceError::Denied(m)))
                if m == crate::service::HELD_ELSEWHERE =>
            {
                let said = super::failed("未登记", &ServiceError::Denied(m.clone()));
                if let Some(form) = &mut self.form {
                    form.show_errors(vec![(crate::domain::intake::IntakeField::IdNumber, m)]);
                }
                vec![said]
            }
            (Request::Register { .. }, Err(e)) => vec![super::failed("未登记", &e)],
            _ => Vec::new(),
        }
    }

    fn tick(&mut self) -> Vec<Effect> {
        self.keep(false)
    }

    fn closing(&mut self) -> Vec<Effect> {
        self.keep(true)
    }

    fn help_notes(&self) -> Vec<String> {
        self.form
            .as_ref()
            .map(|f| f.code_values())
            .unwrap_or_default()
    }

    fn keep_when_closed(&self) -> bool {
        !self.done
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        FOOTER
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        if let Some(form) = &self.form {
            form.render(frame, area, env.theme, &env.overview.settings);
        }
    }
}
