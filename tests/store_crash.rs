//! A follow-up the screen called saved survives the process being killed outright.
//! sled flushes on drop, so only SIGKILL of a child process (no destructors, no signal
//! handlers) proves the flush happened before 已保存.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use yuanzhu::domain::followup_form::Field;
use yuanzhu::domain::{CaseId, DueStatus, Settings};
use yuanzhu::service::{Actor, Request, Response, Role, Service, Today};
use yuanzhu::store::{Store, StoreConfig};

const CHILD_ENV: &str = "YUANZHU_CRASH_CHILD_DIR";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn reviewer() -> Actor {
    Actor {
        user: "crash-test".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

/// In the child: save one follow-up through the service, say so, then wait to be killed.
fn child(dir: &str) {
    let store = Store::open(std::path::Path::new(dir), StoreConfig::default()).unwrap();
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let actor = reviewer();
    let Response::QueuePage(yuanzhu::service::QueuePage { rows, .. }) = service
        .handle(
            &actor,
            Request::QueuePage(yuanzhu::service::QueueQuery::follow_ups()),
        )
        .unwrap()
        .body
    else {
        panic!("queue");
    };
    let row = rows
        .iter()
        .find(|r| matches!(r.due, Some(d) if d != DueStatus::Done))
        .expect("someone due");
    let mut draft = common::unemployed_visit(today(), row.tier);
    draft.set(Field::Plan, "断电测试：保存后立即被杀".into());
    let reply = service
        .handle(
            &actor,
            Request::SaveFollowUp {
                case: row.case,
                rev: row.rev,
                draft,
            },
        )
        .unwrap();
    assert!(matches!(reply.body, Response::Saved(_)));
    println!("SAVED {}", row.case.0);
    std::thread::sleep(std::time::Duration::from_secs(120));
}

/// This test binary run again as the child of test `name`, saving into `dir` until killed;
/// its stdout says what it saved.
fn spawn_child(name: &str, env: &str, dir: &std::path::Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(env, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn followup_saved_then_sigkill_is_there_on_restart() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(&dir);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 20, today()));
    let mut child = spawn_child(
        "followup_saved_then_sigkill_is_there_on_restart",
        CHILD_ENV,
        dir.path(),
    );
    let stdout = child.stdout.take().unwrap();
    let mut case = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        // libtest may print "test name ... " on the same line before the child's output.
        if let Some(at) = line.find("SAVED ") {
            case = Some(CaseId(line[at + 6..].trim().parse().unwrap()));
            break;
        }
    }
    // std's Child::kill is SIGKILL on Unix: no destructor, no flush-on-drop runs.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    let case = case.expect("child reported the save");

    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let followups = store.followups(case).unwrap();
    let last = followups.last().expect("follow-up on disk");
    assert_eq!(last.answers.plan, "断电测试：保存后立即被杀");
    assert_eq!(last.answers.date, today());
    let summary = store.summary(case).unwrap().unwrap();
    assert_eq!(
        summary.due(today(), &yuanzhu::domain::Settings::default()),
        Some(DueStatus::Done)
    );
    let audit = store.audit_entries(0).unwrap();
    assert_eq!(audit.last().unwrap().action, "保存回访");
}

const CONCURRENT_CHILD_ENV: &str = "YUANZHU_CRASH_CONCURRENT_DIR";
const SAVING_THREADS: usize = 8;

/// In the child: threads saving side by side (their flushes shared), each saved follow-up
/// announced only once its reply came, until the process is killed.
fn concurrent_child(dir: &str) {
    let store = Store::open(std::path::Path::new(dir), StoreConfig::default()).unwrap();
    let cases: Vec<CaseId> = store
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == yuanzhu::domain::RecognitionStatus::Recognised)
        .map(|s| s.case)
        .collect();
    let service = std::sync::Arc::new(Service::new(
        store,
        Today::Fixed(today()),
        Settings::default(),
    ));
    let threads: Vec<_> = (0..SAVING_THREADS)
        .map(|t| {
            let service = std::sync::Arc::clone(&service);
            let mine: Vec<CaseId> = cases
                .iter()
                .skip(t)
                .step_by(SAVING_THREADS)
                .copied()
                .collect();
            std::thread::spawn(move || {
                let actor = reviewer();
                for n in 0.. {
                    let case = mine[n % mine.len()];
                    let form = service
                        .handle(&actor, Request::FollowUpForm { case })
                        .unwrap();
                    let Response::FollowUpForm(view) = form.body else {
                        panic!("form");
                    };
                    let mut draft = common::unemployed_visit(today(), view.tier);
                    let plan = format!("并发断电测试-{t}-{n}");
                    draft.set(Field::Plan, plan.clone());
                    let reply = service
                        .handle(
                            &actor,
                            Request::SaveFollowUp {
                                case,
                                rev: view.rev,
                                draft,
                            },
                        )
                        .unwrap();
                    assert!(matches!(reply.body, Response::Saved(_)));
                    println!("SAVED {} {plan}", case.0);
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
}

#[test]
fn concurrent_saves_killed_mid_flight_keep_every_acknowledged_one() {
    if let Ok(dir) = std::env::var(CONCURRENT_CHILD_ENV) {
        concurrent_child(&dir);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 20, today()));
    let mut child = spawn_child(
        "concurrent_saves_killed_mid_flight_keep_every_acknowledged_one",
        CONCURRENT_CHILD_ENV,
        dir.path(),
    );
    let stdout = child.stdout.take().unwrap();
    let mut acknowledged = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(at) = line.find("SAVED ") {
            let (case, plan) = line[at + 6..].trim().split_once(' ').unwrap();
            acknowledged.push((CaseId(case.parse().unwrap()), plan.to_string()));
        }
        // Killed while the threads are still saving: some saves are mid-flight.
        if acknowledged.len() >= 60 {
            break;
        }
    }
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());

    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    for (case, plan) in &acknowledged {
        let followups = store.followups(*case).unwrap();
        assert!(
            followups.iter().any(|f| &f.answers.plan == plan),
            "{plan} on case {} was acknowledged but is not on disk",
            case.0
        );
    }
    // The anchor was moved on per batch, never past what was on disk: it may lag, never
    // lead or differ.
    let verification = store.verify_audit().unwrap();
    assert_eq!(verification.problem, None, "{verification:?}");
}
