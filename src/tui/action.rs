//! The vocabulary of the UI: every thing a key can ask for. Keymap files name these in
//! snake_case (`followup = ...`), and `App::update` is a match over them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl Action {
    /// Short Chinese label for the footer and the help screen.
    pub fn label(self) -> &'static str {
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
        }
    }
}
