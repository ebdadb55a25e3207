//! `yuanzhu serve` with several clients at once, in one test process: a real socket, real
//! frames, and identities handed out by a test [`Identify`] in the order clients connect
//! (production reads them from SO_PEERCRED). Scope and role refusals, a conflict resolved
//! field by field without loss, one client's save seen by another, and bad frames that
//! leave the server serving.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use yuanzhu::domain::followup_form::{Field, FollowUpDraft};
use yuanzhu::domain::{DueStatus, Settings};
use yuanzhu::remote::frame::{MAX_REPLY, PROTOCOL_VERSION, read_frame, write_frame};
use yuanzhu::remote::server::Answer;
use yuanzhu::remote::{Identify, Server, SocketBackend, SocketSpec};
use yuanzhu::service::{
    Backend, FormView, QueueRow, Request, Response, Service, ServiceError, Today,
};
use yuanzhu::store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// Hands each new connection the next name queued for it.
#[derive(Default)]
struct Queued(Mutex<VecDeque<String>>);

impl Identify for Queued {
    fn identify(&self, _: &UnixStream) -> io::Result<String> {
        self.0
            .lock()
            .unwrap()
            .pop_front()
            .ok_or_else(|| io::Error::other("no identity queued"))
    }
}

struct Running {
    socket: PathBuf,
    names: Arc<Queued>,
    store_dir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Running {
    fn start() -> Running {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        let store = common::demo_store(&store_dir, 60, today());
        let socket = dir.path().join("yuanzhu.sock");
        let names = Arc::new(Queued::default());
        let listener = Server::bind(&SocketSpec {
            path: socket.clone(),
            group: None,
        })
        .unwrap();
        let server = Server::new(
            Service::new(store, Today::Fixed(today()), Settings::default()),
            Arc::clone(&names) as Arc<dyn Identify>,
        );
        std::thread::spawn(move || server.serve(listener));
        Running {
            socket,
            names,
            store_dir,
            _dir: dir,
        }
    }

    /// A client that the server will know as `name`.
    fn client(&self, name: &str) -> SocketBackend {
        self.names.0.lock().unwrap().push_back(name.to_string());
        let mut c = SocketBackend::connect(&self.socket).unwrap();
        // One round trip, so this connection has been identified before the next one.
        let _ = c.call(Request::Ping);
        c
    }

    fn raw(&self, name: &str) -> UnixStream {
        self.names.0.lock().unwrap().push_back(name.to_string());
        UnixStream::connect(&self.socket).unwrap()
    }
}

fn queue(c: &mut SocketBackend) -> Vec<QueueRow> {
    match c
        .call(Request::QueuePage(
            yuanzhu::service::QueueQuery::follow_ups(),
        ))
        .unwrap()
        .body
    {
        Response::QueuePage(page) => page.rows,
        other => panic!("{other:?}"),
    }
}

fn form(c: &mut SocketBackend, row: &QueueRow) -> FormView {
    match c
        .call(Request::FollowUpForm { case: row.case })
        .unwrap()
        .body
    {
        Response::FollowUpForm(view) => view,
        other => panic!("{other:?}"),
    }
}

fn audit_actions(c: &mut SocketBackend) -> Vec<(String, String, String)> {
    match c.call(Request::AuditShow { id_number: None }).unwrap().body {
        Response::AuditLog(lines) => lines
            .into_iter()
            .map(|l| (l.actor, l.action, l.target))
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_township_caseworker_is_kept_to_their_township_and_refusals_are_audited() {
    let server = Running::start();
    let mut county = server.client("shenhe");
    let mut township = server.client("jingban");
    let all = queue(&mut county);
    let mine = queue(&mut township);
    assert!(!mine.is_empty() && mine.len() < all.len());
    let own = mine[0].township.clone();
    assert!(mine.iter().all(|r| r.township == own));

    let other = all.iter().find(|r| r.township != own).unwrap();
    for request in [
        Request::Household {
            household: other.household,
        },
        Request::FollowUpForm { case: other.case },
        Request::SaveFollowUp {
            case: other.case,
            rev: other.rev,
            draft: common::unemployed_visit(today(), other.tier),
        },
        Request::RevealId {
            person: other.person,
        },
    ] {
        let refused = township.call(request.clone());
        assert!(
            matches!(refused, Err(ServiceError::Denied(_))),
            "{request:?}: {refused:?}"
        );
    }
    let refusals: Vec<_> = audit_actions(&mut county)
        .into_iter()
        .filter(|(who, action, _)| who == "jingban" && action == "拒绝")
        .map(|(_, _, target)| target)
        .collect();
    assert_eq!(refusals.len(), 4, "{refusals:?}");
    assert!(refusals[0].starts_with("查看家庭档案："));
    assert!(refusals[2].starts_with("保存回访："));
}

#[test]
fn account_work_and_backups_are_for_administrators_only() {
    let server = Running::start();
    let mut township = server.client("jingban");
    let mut county = server.client("shenhe");
    let mut admin = server.client("guanli");
    // Turned away at its first request, before a byte of it is decoded.
    server.names.0.lock().unwrap().push_back("nobody".into());
    let mut stranger = SocketBackend::connect(&server.socket).unwrap();

    for c in [&mut township, &mut county] {
        let refused = c.call(Request::AddUser {
            name: "wang.f".into(),
            role: yuanzhu::domain::Role::TownshipCaseworker,
            township: Some("贡江镇".into()),
        });
        assert!(
            matches!(refused, Err(ServiceError::Denied(_))),
            "{refused:?}"
        );
        let refused = c.call(Request::Backup);
        assert!(
            matches!(refused, Err(ServiceError::Denied(_))),
            "{refused:?}"
        );
    }
    let refused = township.call(Request::AuditVerify);
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
    let refused = stranger.call(Request::QueuePage(
        yuanzhu::service::QueueQuery::follow_ups(),
    ));
    assert!(
        matches!(&refused, Err(ServiceError::Denied(m)) if m.contains("nobody") && m.contains("user add")),
        "{refused:?}"
    );

    admin
        .call(Request::AddUser {
            name: "wang.f".into(),
            role: yuanzhu::domain::Role::TownshipCaseworker,
            township: Some("贡江镇".into()),
        })
        .unwrap();
    // The new account works on its next connection; a disabled one is refused at once.
    let mut wang = server.client("wang.f");
    assert!(!queue(&mut wang).is_empty());
    admin
        .call(Request::DisableUser {
            name: "wang.f".into(),
        })
        .unwrap();
    let refused = wang.call(Request::QueuePage(
        yuanzhu::service::QueueQuery::follow_ups(),
    ));
    assert!(
        matches!(&refused, Err(ServiceError::Denied(m)) if m.contains("停用")),
        "{refused:?}"
    );

    // A backup made while the server runs opens, and its audit chain verifies.
    let path = match admin.call(Request::Backup).unwrap().body {
        Response::BackedUp { path, entries } => {
            assert!(entries > 4);
            PathBuf::from(path)
        }
        other => panic!("{other:?}"),
    };
    assert!(path.starts_with(yuanzhu::service::backup_dir(&server.store_dir)));
    let copy = Store::open(&path, Default::default()).unwrap();
    let check = copy.verify_audit().unwrap();
    assert_eq!(check.problem, None);
    assert_eq!(copy.accounts().unwrap().len(), 5);

    let log = audit_actions(&mut admin);
    assert!(
        log.iter()
            .any(|(who, action, _)| who == "nobody" && action == "拒绝")
    );
    assert!(
        log.iter()
            .any(|(who, action, _)| who == "guanli" && action == "备份")
    );
}

#[test]
fn two_caseworkers_on_one_case_lose_nothing_and_the_third_sees_it() {
    let server = Running::start();
    let mut first = server.client("jingban");
    let mut second = server.client("shenhe");
    let mut watcher = server.client(&yuanzhu::remote::login_name());

    let row = queue(&mut first)
        .into_iter()
        .find(|r| matches!(r.due, Some(d) if d != DueStatus::Done))
        .unwrap();
    let seen_before = watcher.call(Request::Ping).unwrap().seq;
    let theirs_view = form(&mut first, &row);
    let mine_view = form(&mut second, &row);
    assert_eq!(theirs_view.rev, mine_view.rev);

    // The first caseworker saves a home visit; the second typed a phone call with a plan.
    let mut theirs = common::unemployed_visit(today(), row.tier);
    theirs.press_code(Field::Method, '1');
    theirs.set(Field::Plan, "推荐到工业园保洁岗位".into());
    first
        .call(Request::SaveFollowUp {
            case: row.case,
            rev: theirs_view.rev,
            draft: theirs.clone(),
        })
        .unwrap();
    let mut mine = common::unemployed_visit(today(), row.tier);
    mine.set(Field::Plan, "报名12月电工培训".into());
    let stale = second.call(Request::SaveFollowUp {
        case: row.case,
        rev: mine_view.rev,
        draft: mine.clone(),
    });
    assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");

    // The watcher's next ping shows a change, and its queue shows the visit.
    let seen_after = watcher.call(Request::Ping).unwrap().seq;
    assert!(seen_after > seen_before);
    let watched = queue(&mut watcher);
    let now = watched.iter().find(|r| r.case == row.case).unwrap();
    assert_eq!(now.due, Some(DueStatus::Done));

    // The second caseworker sees, per field, what was saved, and keeps the home visit
    // from it and their own plan.
    let fresh = form(&mut second, &row);
    assert_eq!(fresh.last_by.as_deref(), Some("jingban"));
    let saved = FollowUpDraft::of_saved(fresh.last.as_ref().unwrap());
    assert_eq!(mine.differences(&saved), [Field::Method, Field::Plan]);
    let resolved = mine.taking(&saved, &[Field::Method]);
    second
        .call(Request::SaveFollowUp {
            case: row.case,
            rev: fresh.rev,
            draft: resolved,
        })
        .unwrap();

    // Both visits are on file: nothing was overwritten.
    let history = match watcher
        .call(Request::Household {
            household: row.household,
        })
        .unwrap()
        .body
    {
        Response::Household(h) => h.timeline,
        other => panic!("{other:?}"),
    };
    let plans: Vec<&str> = history
        .iter()
        .filter(|e| e.date == today() && e.what.contains("回访"))
        .map(|e| e.what.as_str())
        .collect();
    assert!(plans.iter().any(|w| w.contains("工业园保洁")), "{plans:?}");
    assert!(
        plans
            .iter()
            .any(|w| w.starts_with("入户走访") && w.contains("电工培训")),
        "{plans:?}"
    );
}

fn send_raw(stream: &mut UnixStream, bytes: &[u8]) -> Answer {
    stream.write_all(bytes).unwrap();
    read_frame::<Answer, MAX_REPLY>(stream).unwrap()
}

#[test]
fn bad_frames_are_answered_their_connections_closed_and_the_server_goes_on() {
    let server = Running::start();
    let closed = |raw: &mut UnixStream| {
        let mut rest = Vec::new();
        raw.read_to_end(&mut rest).unwrap_or(0) == 0
    };

    // Garbage of the right version.
    let mut raw = server.raw("shenhe");
    let mut frame = 7u32.to_be_bytes().to_vec();
    frame.extend_from_slice(&PROTOCOL_VERSION.to_be_bytes());
    frame.extend_from_slice(&[0xff; 5]);
    let answer = send_raw(&mut raw, &frame);
    assert!(
        matches!(&answer, Err(ServiceError::Link(m)) if m.contains("无法解析")),
        "{answer:?}"
    );
    assert!(closed(&mut raw));

    // Another protocol version.
    let mut raw = server.raw("shenhe");
    let mut frame = 3u32.to_be_bytes().to_vec();
    frame.extend_from_slice(&(PROTOCOL_VERSION + 7).to_be_bytes());
    frame.push(0);
    let answer = send_raw(&mut raw, &frame);
    assert!(
        matches!(&answer, Err(ServiceError::Link(m)) if m.contains("版本")),
        "{answer:?}"
    );
    assert!(closed(&mut raw));

    // Too long: refused from its length alone, before its body is read.
    let mut raw = server.raw("shenhe");
    raw.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let answer: Answer = read_frame::<Answer, MAX_REPLY>(&mut raw).unwrap();
    assert!(
        matches!(&answer, Err(ServiceError::Link(m)) if m.contains("过长")),
        "{answer:?}"
    );
    assert!(closed(&mut raw));

    // A proper request on a connection of its own is answered, and the connection kept.
    let mut raw = server.raw("shenhe");
    for _ in 0..2 {
        write_frame(&mut raw, &Request::Ping).unwrap();
        let answer: Answer = read_frame::<Answer, MAX_REPLY>(&mut raw).unwrap();
        assert!(answer.is_ok(), "{answer:?}");
    }

    // A client that hangs up halfway through a frame harms nobody.
    let mut cut = server.raw("shenhe");
    cut.write_all(&100u32.to_be_bytes()).unwrap();
    cut.write_all(&[1, 2, 3]).unwrap();
    drop(cut);

    let mut fine = server.client("jingban");
    assert!(!queue(&mut fine).is_empty());
}

#[test]
fn a_live_socket_is_not_taken_over_and_a_stale_one_is_replaced() {
    let server = Running::start();
    let spec = SocketSpec {
        path: server.socket.clone(),
        group: None,
    };
    let err = Server::bind(&spec).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);

    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("old.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    assert!(stale.exists());
    let spec = SocketSpec {
        path: stale.clone(),
        group: None,
    };
    let _listener = Server::bind(&spec).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&stale).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);

    // The socket is given the caseworkers' group; an unknown group is named.
    use std::os::unix::fs::MetadataExt;
    let gid = nix::unistd::getgid();
    let group = nix::unistd::Group::from_gid(gid).unwrap().unwrap().name;
    let grouped = dir.path().join("grouped.sock");
    let _listener = Server::bind(&SocketSpec {
        path: grouped.clone(),
        group: Some(group),
    })
    .unwrap();
    assert_eq!(std::fs::metadata(&grouped).unwrap().gid(), gid.as_raw());
    let err = Server::bind(&SocketSpec {
        path: dir.path().join("x.sock"),
        group: Some("no-such-group-yz".into()),
    })
    .unwrap_err();
    assert!(err.to_string().contains("no-such-group-yz"), "{err}");
}

#[test]
fn a_list_bigger_than_one_request_frame_is_imported_through_the_server_in_parts() {
    use yuanzhu::domain::lead::{LeadSource, RawRow};
    let server = Running::start();
    let mut c = server.client("guanli");
    let rows: Vec<RawRow> = (0..12_000u32)
        .map(|n| {
            let birth =
                NaiveDate::from_ymd_opt(1970 + (n % 30) as i32, 1 + n % 12, 1 + n % 28).unwrap();
            RawRow {
                row: n + 2,
                name: "李国华".into(),
                id_number: yuanzhu::domain::IdNumber::compose("360781", birth, (n / 360) as u16)
                    .unwrap()
                    .to_string(),
                address: "于都县贡江镇长征路一百二十号附近的某个小区某栋某单元".into(),
                ..RawRow::default()
            }
        })
        .collect();
    let parts = yuanzhu::import::in_parts(rows);
    assert!(parts.len() > 1, "the list needs more than one frame");
    let last = parts.len() - 1;
    let mut summary = None;
    for (i, rows) in parts.into_iter().enumerate() {
        let request = Request::ImportList(yuanzhu::service::ListImport {
            source: LeadSource::Dibao,
            list_date: Some(today()),
            file: "低保名单.csv".into(),
            rows,
            apply: true,
            part: i as u32,
            more: i < last,
        });
        summary = Some(match c.call(request).unwrap().body {
            Response::ListImported(s) => s,
            other => panic!("{other:?}"),
        });
    }
    let s = summary.unwrap();
    assert_eq!((s.rows, s.new_leads), (12_000, 12_000), "{:?}", s.groups);
}
