//! The policy as code: types and rules of the Jiangxi employment-assistance notice
//! (赣人社发〔2025〕, implementing 人社部发〔2024〕84号), with no I/O, no terminal, no
//! store and no clock. Every date a rule needs comes in as an argument, so a rule can be
//! held next to the paragraph of the notice it implements and tested on worked examples.

pub mod account;
pub mod audit_action;
pub mod calendar;
pub mod case;
pub mod category;
pub mod category_change;
pub mod due;
pub mod exit;
pub mod followup;
pub mod followup_effect;
pub mod followup_form;
pub mod form;
pub mod household;
pub mod id_number;
pub mod ids;
pub mod intake;
pub mod lead;
pub mod ledger;
pub mod name_search;
pub mod payment;
pub mod person;
pub mod phone;
pub mod policy;
pub mod post;
pub mod queue;
pub mod recognition;
pub mod retirement;
pub mod settings;
pub mod stats;
pub mod stats_columns;
pub mod stats_entries;
pub mod stats_ledger;
pub mod stats_measure;
pub mod summary;
pub mod supervise;
pub mod text;
pub mod tier;
pub mod township_list;
pub mod visit_month;
pub mod year_month;

pub use account::{Account, Role};
pub use case::{AssistanceCase, CaseEvent, CaseEventKind, RecognitionStatus};
pub use category::{Category, Evidence, RecordedCategory};
pub use due::DueStatus;
pub use followup::{ContactMethod, FollowUp, Need, WorkStatus};
pub use household::{Household, HouseholdEvent, HouseholdEventKind};
pub use id_number::{IdError, IdNumber, Sex};
pub use ids::{CaseId, FollowUpId, HouseholdId, PersonId, TownshipCode};
pub use person::{LabourCapacity, Person, Relation};
pub use settings::Settings;
pub use summary::CaseSummary;
pub use tier::Tier;
pub use year_month::YearMonth;
