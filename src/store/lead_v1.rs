//! A lead as version 1 wrote it: it kept only its latest disposition and that day.
//! Version 2 keeps every disposition given (issue 15, item 1: a month's leads by
//! disposition); a version 1 lead reads back with its latest one as its only step, which
//! is all that is known of it.

use crate::domain::ids::{PersonId, TownshipCode};
use crate::domain::lead::{Disposition, DispositionStep, Lead, LeadSource, RowFacts};
use crate::domain::{IdNumber, Sex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadV1 {
    pub id: u64,
    pub source: LeadSource,
    pub id_number: IdNumber,
    pub converted_from_15: bool,
    pub name: String,
    pub sex: Sex,
    pub phone: Option<String>,
    pub address: String,
    pub village: Option<String>,
    pub township: Option<TownshipCode>,
    pub facts: RowFacts,
    pub list_date: NaiveDate,
    pub row: u32,
    pub last_seen: NaiveDate,
    pub contact_deadline: Option<NaiveDate>,
    pub disposition: Disposition,
    pub disposition_on: Option<NaiveDate>,
    pub note: String,
    pub person: Option<PersonId>,
    pub rev: u64,
}

impl From<LeadV1> for Lead {
    fn from(v1: LeadV1) -> Self {
        let history = match v1.disposition_on {
            Some(on) if v1.disposition != Disposition::ToContact => vec![DispositionStep {
                on,
                disposition: v1.disposition,
            }],
            _ => Vec::new(),
        };
        Lead {
            id: v1.id,
            source: v1.source,
            id_number: v1.id_number,
            converted_from_15: v1.converted_from_15,
            name: v1.name,
            sex: v1.sex,
            phone: v1.phone,
            address: v1.address,
            village: v1.village,
            township: v1.township,
            facts: v1.facts,
            list_date: v1.list_date,
            row: v1.row,
            last_seen: v1.last_seen,
            contact_deadline: v1.contact_deadline,
            disposition: v1.disposition,
            disposition_on: v1.disposition_on,
            history,
            note: v1.note,
            person: v1.person,
            rev: v1.rev,
        }
    }
}
