//! The actions audit entries are written under that 监督 (第(十四)条) reads back: one
//! definition each, shared by the write that logs the act and the rule that looks for it,
//! so renaming one cannot silently blind a rule. The labels are the audit trail's format:
//! entries already written keep the old text.
//!
//! Not here: the other actions' labels, which nothing reads back (`Request::label`).

/// A follow-up saved (`Store::save_followup`).
pub const SAVE_FOLLOWUP: &str = "保存回访";
/// An ID number shown in full (`Request::RevealId`).
pub const REVEAL_ID: &str = "查看完整身份证号";
/// A page exported with ID numbers unmasked (`Request::Export { unmasked: true }`).
pub const UNMASKED_EXPORT: &str = "导出完整信息";
/// The township's initial review passed: the proposal of a recognition
/// ([`super::recognition::Step::PassInitialReview`]).
pub const PROPOSE_RECOGNITION: &str = "初审通过并公示";
/// The county's recognition ([`super::recognition::Step::Recognise`]).
pub const RECOGNISE: &str = "认定";
/// The county's approval of a proposed exit.
pub const APPROVE_EXIT: &str = "批准退出";
/// The county's return of a proposed exit.
pub const RETURN_EXIT: &str = "退回退出申请";
