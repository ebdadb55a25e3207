//! The vocabulary of the UI: every thing a key can ask for, typed text included. Keymap
//! files name the bindable actions in snake_case (`followup = ...`), listed in
//! [`Action::ALL`]; `App::update` is a match over them all. Typing, editing and pasting
//! ([`Action::Type`], [`Action::Edit`], [`Action::Paste`]) are actions too, so every key
//! reaches a pane the same way, but no keymap file can bind them: the keymap makes them
//! from whatever key is left unbound (`Keymap::resolve`).

use serde::{Deserialize, Serialize};
use tui_input::InputRequest;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// F1: help for the screen in front of you, generated from the keymap.
    Help,
    /// F2: the caseload queue.
    ShowQueue,
    /// F3: the household record of the selected person.
    ShowHousehold,
    /// F4: this month's follow-up for the selected person.
    Followup,
    /// F10 / Ctrl-Q: close the program (关闭), keeping any unsaved form as a draft.
    Quit,
    /// Ctrl-L: repaint the whole screen.
    Redraw,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    /// `/` or `、`: search the queue as you type.
    Search,
    /// Enter: open the selected row, or confirm a search.
    Open,
    /// Esc: go back; leaves a form as a draft, cancels a search, closes help.
    Back,
    NextField,
    PrevField,
    /// Ctrl-S: save the follow-up.
    Save,
    /// Ctrl-R: 照上次, copy the answers of the latest follow-up.
    CopyLast,
    /// Clear the search filter in the queue.
    ClearFilter,
    /// Show the selected member's full ID number (an audited action, 第(十四)条).
    RevealId,
    /// On the conflict screen: keep what the other person saved for this field.
    TakeTheirs,
    /// On the conflict screen: keep what you typed for this field.
    TakeMine,
    /// 登记申请: a new person at the counter.
    Register,
    /// 审核: the selected case's review (初审、公示、认定).
    Review,
    /// The queue's views: the month's follow-ups (the default) …
    ViewFollowUps,
    /// … applications waiting for the township's initial review …
    ViewInitialReview,
    /// … notices running …
    ViewNotice,
    /// … cases waiting for the county's recognition …
    ViewAwaiting,
    /// … overdue follow-ups …
    ViewOverdue,
    /// … members of zero-employment households …
    ViewZeroEmployment,
    /// … one tier at a time (pressed again: the next tier).
    ViewTier,
    /// F5: 退出审核, exits waiting for the county and the rules' findings.
    ShowExits,
    /// The selected member's 援助台账: posts, policies, dibao linkage.
    ShowLedger,
    AddPost,
    EndPost,
    AddPolicy,
    AddDibao,
    /// 登记补贴发放: a payment of the policy selected in the ledger.
    AddPayment,
    /// On the exits screen: propose the selected finding as an exit, its evidence editable.
    ProposeExit,
    /// On the exits screen: approve the selected proposal (认定取消).
    ApproveExit,
    /// On the exits screen: return the selected proposal, with a reason.
    ReturnExit,
    /// F7: 线索, the leads found on other agencies' lists (第(二)条).
    ShowLeads,
    /// On the leads screen: record what contacting the selected lead found.
    DisposeLead,
    /// F8: 统计, the month's figures by township (第(十三)条).
    ShowStats,
    /// On the statistics screen: the month before.
    PrevMonth,
    /// On the statistics screen: the month after.
    NextMonth,
    /// On the statistics screen: the next figure of the group, the one Enter lists.
    NextFigure,
    /// On the statistics screen: the figure before.
    PrevFigure,
    /// F9: 监督, the month's supervision findings (第(十四)条), for county reviewers.
    ShowSupervise,
    /// On the supervision screen: dispose of the selected finding as 已核实, with a note.
    MarkVerified,
    /// On the supervision screen: dispose of the selected finding as 误报, with its reason.
    MarkFalseAlarm,
    /// Go ahead with a step that cannot be undone, as described on screen.
    Confirm,
    /// Do not take the step after all.
    Cancel,
    /// A character typed into the field under the cursor. Not bindable.
    #[serde(skip)]
    Type(char),
    /// Text pasted into the field under the cursor (bracketed paste). Not bindable.
    #[serde(skip)]
    Paste(String),
    /// A key that edits the field under the cursor. Not bindable.
    #[serde(skip)]
    Edit(Edit),
}

/// The keys that edit a text field rather than type into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edit {
    DeletePrev,
    DeleteNext,
    Left,
    Right,
    Home,
    End,
}

impl Edit {
    /// The same edit as the text input widget names it.
    pub fn request(self) -> InputRequest {
        match self {
            Edit::DeletePrev => InputRequest::DeletePrevChar,
            Edit::DeleteNext => InputRequest::DeleteNextChar,
            Edit::Left => InputRequest::GoToPrevChar,
            Edit::Right => InputRequest::GoToNextChar,
            Edit::Home => InputRequest::GoToStart,
            Edit::End => InputRequest::GoToEnd,
        }
    }
}

impl Action {
    /// Every action a keymap file may bind, in the order the shipped keymap's comment
    /// lists them: what the file parser accepts and what error messages name.
    pub const ALL: [Action; 54] = [
        Action::Help,
        Action::ShowQueue,
        Action::ShowHousehold,
        Action::Followup,
        Action::Quit,
        Action::Redraw,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::First,
        Action::Last,
        Action::Search,
        Action::Open,
        Action::Back,
        Action::NextField,
        Action::PrevField,
        Action::Save,
        Action::CopyLast,
        Action::ClearFilter,
        Action::RevealId,
        Action::TakeTheirs,
        Action::TakeMine,
        Action::Register,
        Action::Review,
        Action::ViewFollowUps,
        Action::ViewInitialReview,
        Action::ViewNotice,
        Action::ViewAwaiting,
        Action::ViewOverdue,
        Action::ViewZeroEmployment,
        Action::ViewTier,
        Action::ShowExits,
        Action::ShowLedger,
        Action::AddPost,
        Action::EndPost,
        Action::AddPolicy,
        Action::AddDibao,
        Action::AddPayment,
        Action::ProposeExit,
        Action::ApproveExit,
        Action::ReturnExit,
        Action::Confirm,
        Action::Cancel,
        Action::ShowLeads,
        Action::DisposeLead,
        Action::ShowStats,
        Action::PrevMonth,
        Action::NextMonth,
        Action::NextFigure,
        Action::PrevFigure,
        Action::ShowSupervise,
        Action::MarkVerified,
        Action::MarkFalseAlarm,
    ];

    /// The snake_case name a keymap file uses (`copy_last`); `None` for the actions no file
    /// may bind.
    pub fn name(&self) -> Option<String> {
        match toml::Value::try_from(self) {
            Ok(toml::Value::String(name)) => Some(name),
            _ => None,
        }
    }

    /// Whether a keymap file may bind this action: everything but typing, editing, pasting.
    pub fn is_bindable(&self) -> bool {
        !matches!(self, Action::Type(_) | Action::Paste(_) | Action::Edit(_))
    }

    /// Short Chinese label for the footer and the help screen.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Help => "帮助",
            Action::ShowQueue => "队列",
            Action::ShowHousehold => "户档案",
            Action::Followup => "回访",
            Action::Quit => "关闭",
            Action::Redraw => "重绘",
            Action::Up => "上移",
            Action::Down => "下移",
            Action::PageUp => "上页",
            Action::PageDown => "下页",
            Action::First => "首行",
            Action::Last => "末行",
            Action::Search => "搜索",
            Action::Open => "打开",
            Action::Back => "返回",
            Action::NextField => "下一项",
            Action::PrevField => "上一项",
            Action::Save => "保存",
            Action::CopyLast => "照上次",
            Action::ClearFilter => "清除筛选",
            Action::RevealId => "显示证号",
            Action::TakeTheirs => "用对方的",
            Action::TakeMine => "用我的",
            Action::Register => "登记",
            Action::Review => "审核",
            Action::ViewFollowUps => "回访",
            Action::ViewInitialReview => "待初审",
            Action::ViewNotice => "公示中",
            Action::ViewAwaiting => "待认定",
            Action::ViewOverdue => "逾期",
            Action::ViewZeroEmployment => "零就业",
            Action::ViewTier => "按等级",
            Action::ShowExits => "退出审核",
            Action::ShowLedger => "台账",
            Action::AddPost => "安置岗位",
            Action::EndPost => "岗位退出",
            Action::AddPolicy => "享受政策",
            Action::AddDibao => "低保联动",
            Action::AddPayment => "补贴发放",
            Action::ProposeExit => "提出退出",
            Action::ApproveExit => "批准退出",
            Action::ReturnExit => "退回",
            Action::ShowLeads => "线索",
            Action::DisposeLead => "处理线索",
            Action::ShowStats => "统计",
            Action::PrevMonth => "上月",
            Action::NextMonth => "下月",
            Action::NextFigure => "下一个数字",
            Action::PrevFigure => "上一个数字",
            Action::ShowSupervise => "监督",
            Action::MarkVerified => "已核实",
            Action::MarkFalseAlarm => "误报",
            Action::Confirm => "确认",
            Action::Cancel => "取消",
            Action::Type(_) => "输入",
            Action::Paste(_) => "粘贴",
            Action::Edit(_) => "编辑",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new variant stops this match from compiling: add it to [`Action::ALL`] if a keymap
    /// file may bind it, or to the non-bindable arm if not.
    fn listed_in_all(action: &Action) -> bool {
        match action {
            Action::Type(_) | Action::Paste(_) | Action::Edit(_) => false,
            Action::Help
            | Action::ShowQueue
            | Action::ShowHousehold
            | Action::Followup
            | Action::Quit
            | Action::Redraw
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last
            | Action::Search
            | Action::Open
            | Action::Back
            | Action::NextField
            | Action::PrevField
            | Action::Save
            | Action::CopyLast
            | Action::ClearFilter
            | Action::RevealId
            | Action::TakeTheirs
            | Action::TakeMine
            | Action::Register
            | Action::Review
            | Action::ViewFollowUps
            | Action::ViewInitialReview
            | Action::ViewNotice
            | Action::ViewAwaiting
            | Action::ViewOverdue
            | Action::ViewZeroEmployment
            | Action::ViewTier
            | Action::ShowExits
            | Action::ShowLedger
            | Action::AddPost
            | Action::EndPost
            | Action::AddPolicy
            | Action::AddDibao
            | Action::AddPayment
            | Action::ProposeExit
            | Action::ApproveExit
            | Action::ReturnExit
            | Action::Confirm
            | Action::Cancel
            | Action::ShowLeads
            | Action::DisposeLead
            | Action::ShowStats
            | Action::PrevMonth
            | Action::NextMonth
            | Action::NextFigure
            | Action::PrevFigure
            | Action::ShowSupervise
            | Action::MarkVerified
            | Action::MarkFalseAlarm => true,
        }
    }

    #[test]
    fn all_lists_each_bindable_action_once_with_a_name() {
        for (i, action) in Action::ALL.iter().enumerate() {
            assert!(listed_in_all(action) && action.is_bindable(), "{action:?}");
            assert!(action.name().is_some(), "{action:?}");
            assert!(!Action::ALL[..i].contains(action), "{action:?} twice");
        }
    }

    #[test]
    fn typing_editing_and_pasting_have_no_file_name() {
        for action in [
            Action::Type('j'),
            Action::Paste("张三".into()),
            Action::Edit(Edit::Left),
        ] {
            assert!(!listed_in_all(&action) && !action.is_bindable());
            assert_eq!(action.name(), None, "{action:?}");
        }
        assert_eq!(Action::CopyLast.name().as_deref(), Some("copy_last"));
        assert_eq!(Action::ApproveExit.name().as_deref(), Some("approve_exit"));
    }
}
