//! 援助台账 (R-LEDGER-1), `l` in a household: one member's posts, policies and dibao
//! linkage, and the small forms that add to them. Each entry is checked by the service
//! against the ledger's `rev`; its problems come back beside their fields.

use super::{Effect, Env, Pane, PaneKind, StatusKind, say};
use crate::domain::PersonId;
use crate::domain::ledger::EntryKind;
use crate::service::{Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
mod book;

use book::{EntryForm, LedgerBook as Ledger};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct LedgerPane {
    person: PersonId,
    /// None until the ledger arrives.
    ledger: Option<Ledger>,
}

const LEDGER_FOOTER: &[(Action, &str)] =
    &[(Action::Help, ""), (Action::Back, ""), (Action::Quit, "")];

const ENTRY_FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::NextField, ""),
    (Action::Save, ""),
    (Action::Back, ""),
    (Action::Quit, ""),
];

impl LedgerPane {
    pub fn opening(person: PersonId) -> Self {
        Self {
            person,
            ledger: None,
        }
    }

    /// A ledger read or saved: shown with the policy marker where it was.
    fn show(&mut self, view: crate::service::LedgerView) {
        let selected = self.ledger.as_ref().map_or(0, |l| l.selected);
        let mut book = Ledger::new(view);
        book.selected = selected.min(book.view.ledger.policies.len().saturating_sub(1));
        self.ledger = Some(book);
    }

    fn form(&mut self) -> Option<&mut EntryForm> {
        self.ledger.as_mut().and_then(|l| l.form.as_mut())
    }

    fn save(&self) -> Vec<Effect> {
        let Some(ledger) = &self.ledger else {
            return Vec::new();
        };
        let Some(form) = &ledger.form else {
            return Vec::new();
        };
        let rev = ledger.view.ledger.rev;
        let ask = Effect::Ask(match form.policy {
            Some(policy) => Request::AddPayment {
                person: self.person,
                rev,
                policy,
                entry: form.draft.clone(),
            },
            None => Request::AddLedgerEntry {
                person: self.person,
                rev,
                entry: form.draft.clone(),
            },
        });
        // Ending a post stops its subsidies: final once recorded.
        if form.draft.kind() == EntryKind::EndPost {
            let what = format!(
                "登记 {} 退出公益性岗位：岗位补贴和社保补贴自退出日期起停止。",
                ledger.view.name
            );
            return vec![super::confirm(what, vec![ask])];
        }
        vec![ask]
    }
}

impl LedgerPane {
    /// 登记补贴发放 on the selected policy, filled from its record.
    fn open_payment(&mut self, env: &Env) -> Vec<Effect> {
        let Some(ledger) = &mut self.ledger else {
            return Vec::new();
        };
        let Some(policy) = ledger.view.ledger.policies.get(ledger.selected) else {
            return vec![say(
                StatusKind::Info,
                "台账中还没有政策：先按 z 登记享受的政策，再登记发放",
            )];
        };
        let Ok(index) = u32::try_from(ledger.selected) else {
            return Vec::new();
        };
        ledger.form = Some(EntryForm::payment(index, policy, env.overview.today));
        Vec::new()
    }
}

impl Pane for LedgerPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Ledger
    }

    fn context(&self) -> Context {
        match self.ledger.as_ref().and_then(|l| l.form.as_ref()) {
            Some(_) => Context::Entry,
            None => Context::Ledger,
        }
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![Effect::Ask(Request::Ledger {
            person: self.person,
        })]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        if let Some(form) = self.form() {
            match action {
                Action::NextField | Action::Down | Action::Open => form.next_field(),
                Action::PrevField | Action::Up => form.prev_field(),
                Action::Type(c) => return super::why(form.type_char(c)),
                Action::Edit(edit) => form.edit(edit.request()),
                Action::Paste(text) => return super::why(form.paste(&text)),
                Action::Save => return self.save(),
                Action::Back => {
                    if let Some(ledger) = &mut self.ledger {
                        ledger.form = None;
                    }
                }
                _ => {}
            }
            return Vec::new();
        }
        let kind = match action {
            Action::AddPost => EntryKind::Post,
            Action::EndPost => EntryKind::EndPost,
            Action::AddPolicy => EntryKind::Policy,
            Action::AddDibao => EntryKind::Dibao,
            Action::Up | Action::Down => {
                if let Some(ledger) = &mut self.ledger {
                    ledger.select(action == Action::Down);
                }
                return Vec::new();
            }
            Action::AddPayment => return self.open_payment(env),
            Action::Back | Action::ShowHousehold => return vec![Effect::Close],
            Action::ShowQueue => return vec![Effect::CloseToQueue],
            Action::ShowExits => {
                return vec![Effect::Open(Box::new(super::exits::ExitsPane::opening()))];
            }
            Action::Followup => {
                return vec![say(StatusKind::Info, "回访请先返回户档案（Esc）")];
            }
            _ => return Vec::new(),
        };
        if let Some(ledger) = &mut self.ledger {
            ledger.form = Some(EntryForm::new(kind, env.overview.today));
        }
        Vec::new()
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        match (asked, answer) {
            (Request::Ledger { .. }, Ok(Response::Ledger(view))) => {
                self.show(view);
                Vec::new()
            }
            (Request::Ledger { .. }, Err(e)) => {
                vec![say(StatusKind::Error, e.to_string()), Effect::Close]
            }
            (
                Request::AddLedgerEntry { entry, .. } | Request::AddPayment { entry, .. },
                Ok(Response::Ledger(view)),
            ) => {
                self.show(view);
                vec![say(
                    StatusKind::Ok,
                    format!("已记入台账：{}", entry.kind().title()),
                )]
            }
            (
                Request::AddLedgerEntry { .. } | Request::AddPayment { .. },
                Err(ServiceError::InvalidEntry(errors)),
            ) => {
                let first = errors
                    .first()
                    .map(|(field, m)| format!("{}：{m}", field.label()))
                    .unwrap_or_default();
                let n = errors.len();
                if let Some(form) = self.form() {
                    form.show_errors(errors);
                }
                vec![say(
                    StatusKind::Error,
                    format!("有 {n} 项需要修改，未保存。{first}"),
                )]
            }
            (Request::AddLedgerEntry { .. } | Request::AddPayment { .. }, Err(e)) => {
                vec![super::failed("未保存", &e)]
            }
            _ => Vec::new(),
        }
    }

    fn help_notes(&self) -> Vec<String> {
        self.ledger
            .as_ref()
            .and_then(|l| l.form.as_ref())
            .map(|f| f.code_values())
            .unwrap_or_default()
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        match self.context() {
            Context::Entry => ENTRY_FOOTER,
            _ => LEDGER_FOOTER,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        if let Some(ledger) = &self.ledger {
            ledger.render(frame, area, env.theme);
        }
    }
}
