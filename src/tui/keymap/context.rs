//! Where a key is pressed: the screens (and states of a screen) that have a table of their
//! own in a keymap file, with the table's name and the help screen's heading. It does not
//! say which context is in front; the app decides that.

/// Where a key is pressed: one table of the keymap file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Queue,
    Search,
    Household,
    Followup,
    Conflict,
    Intake,
    Review,
    Exits,
    /// The exits screen while it asks for evidence or a return reason: letters type.
    ExitNote,
    Ledger,
    Entry,
    /// A step that cannot be undone, described and waiting for yes or no.
    Confirm,
    Help,
    /// 线索 (第(二)条): the leads of the caseworker's township.
    Leads,
    /// The leads screen while it asks for a disposition's note: letters type.
    LeadNote,
    /// 统计 (第(十三)条): the month's figures by township.
    Stats,
    /// The statistics screen while it lists the people counted in one figure.
    StatsPeople,
    /// 监督 (第(十四)条): the month's supervision findings.
    Supervise,
    /// The supervision screen while it asks for a disposition's note: letters type.
    SuperviseNote,
}

impl Context {
    pub const ALL: [Context; 20] = [
        Context::Global,
        Context::Queue,
        Context::Search,
        Context::Household,
        Context::Followup,
        Context::Conflict,
        Context::Intake,
        Context::Review,
        Context::Exits,
        Context::ExitNote,
        Context::Ledger,
        Context::Entry,
        Context::Confirm,
        Context::Help,
        Context::Leads,
        Context::LeadNote,
        Context::Stats,
        Context::StatsPeople,
        Context::Supervise,
        Context::SuperviseNote,
    ];

    /// The table name in a keymap file (`[queue]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queue => "queue",
            Context::Search => "search",
            Context::Household => "household",
            Context::Followup => "followup",
            Context::Conflict => "conflict",
            Context::Intake => "intake",
            Context::Review => "review",
            Context::Exits => "exits",
            Context::ExitNote => "exit_note",
            Context::Ledger => "ledger",
            Context::Entry => "entry",
            Context::Confirm => "confirm",
            Context::Help => "help",
            Context::Leads => "leads",
            Context::LeadNote => "lead_note",
            Context::Stats => "stats",
            Context::StatsPeople => "stats_people",
            Context::Supervise => "supervise",
            Context::SuperviseNote => "supervise_note",
        }
    }

    /// The heading on the help screen.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "全局",
            Context::Queue => "案件队列",
            Context::Search => "搜索",
            Context::Household => "户档案",
            Context::Followup => "月度回访",
            Context::Conflict => "保存冲突",
            Context::Intake => "登记申请",
            Context::Review => "审核",
            Context::Exits => "退出审核",
            Context::ExitNote => "退出依据或退回理由",
            Context::Ledger => "援助台账",
            Context::Entry => "台账登记",
            Context::Confirm => "确认",
            Context::Help => "帮助",
            Context::Leads => "线索",
            Context::LeadNote => "线索处理",
            Context::Stats => "统计",
            Context::StatsPeople => "统计名单",
            Context::Supervise => "监督",
            Context::SuperviseNote => "监督处置",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Contexts with a text field under the cursor: keys that type or edit text belong to
    /// the field, so global bindings never take them.
    pub(super) fn is_text_entry(self) -> bool {
        matches!(
            self,
            Context::Search
                | Context::Followup
                | Context::Intake
                | Context::Review
                | Context::ExitNote
                | Context::Entry
                | Context::LeadNote
                | Context::SuperviseNote
        )
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}
