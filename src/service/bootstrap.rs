//! What the binary does with a store before any actor's request, or instead of one:
//! whether a store is there, opening it into a [`Service`] (for one terminal, or for
//! `serve` after its startup check), setting up a county (`init`), preparing the demo
//! county (`demo`) and restoring a backup. They live here so that the binary reaches the
//! store only through the service; the requests of an actor are [`Service::handle`]'s.

use super::{Result, Service, Today, now_cst};
use crate::domain::{Account, Role, Settings, TownshipCode};
use crate::store::backup::Restored;
use crate::store::{County, Stamp, Store, StoreError, Township};
use chrono::NaiveDate;
use std::path::Path;

pub use crate::store::StoreConfig;

/// Whether `dir` holds a store (possibly an empty one).
pub fn store_exists(dir: &Path) -> bool {
    Store::exists(dir)
}

/// Why a store could not be opened into a service.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process holds the store: a server, or another terminal.
    #[error("{0}")]
    Locked(String),
    /// `serve`'s startup check failed: a record it reads first does not decode, or the
    /// newest audit entries are broken.
    #[error("{0}")]
    Startup(String),
    #[error("{0}")]
    Failed(String),
}

impl From<StoreError> for OpenError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Locked(_) => OpenError::Locked(e.to_string()),
            other => OpenError::Failed(other.to_string()),
        }
    }
}

impl Service {
    /// The store at `dir` opened in this process, as a service.
    pub fn open(
        dir: &Path,
        config: StoreConfig,
        today: Today,
        settings: Settings,
    ) -> std::result::Result<Service, OpenError> {
        let store = Store::open(dir, config)?;
        Ok(Service::new(store, today, settings))
    }

    /// [`Service::open`] for `serve`: the startup check run first (well under a second at
    /// any size). Also returns why the store is read-only, when its audit anchor is missing
    /// or disagrees.
    pub fn open_to_serve(
        dir: &Path,
        config: StoreConfig,
        today: Today,
        settings: Settings,
    ) -> std::result::Result<(Service, Option<String>), OpenError> {
        let store = Store::open(dir, config)?;
        let startup = store
            .startup_check()
            .map_err(|e| OpenError::Startup(e.to_string()))?;
        Ok((Service::new(store, today, settings), startup.anchor_fault))
    }

    /// Whether this is a demo store (where `--as` may pick an account).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self
            .db()?
            .county()?
            .is_some_and(|c| c.demo_households.is_some()))
    }
}

/// A county to set up: its name, code and townships, and its first administrator.
#[derive(Clone, Debug)]
pub struct NewCounty {
    pub name: String,
    pub code: String,
    pub townships: Vec<(TownshipCode, String)>,
    pub admin: String,
    pub created_on: NaiveDate,
}

fn stamp(actor: &str) -> Stamp {
    Stamp {
        actor: actor.to_string(),
        at: now_cst(),
    }
}

/// Writes a new county into the empty store at `dir` (which the caller has made): the
/// county with its townships, then its administrator's account, each an audit entry of
/// the OS user `actor`.
pub fn init_county(dir: &Path, county: &NewCounty, actor: &str) -> Result<()> {
    let store = Store::open(dir, StoreConfig::default())?;
    let stamp = stamp(actor);
    store.put_county(
        &County {
            name: county.name.clone(),
            code: county.code.clone(),
            townships: county
                .townships
                .iter()
                .map(|(code, name)| Township {
                    code: code.clone(),
                    name: name.clone(),
                })
                .collect(),
            demo_households: None,
            created_on: county.created_on,
        },
        &stamp,
    )?;
    let account = Account {
        name: county.admin.clone(),
        rev: 0,
        role: Role::Admin,
        township: None,
        disabled: false,
    };
    store.put_accounts(&[(account, None)], &stamp, "建立管理员账户")?;
    Ok(())
}

/// The demo store found at a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoStore {
    /// Nothing there yet.
    Absent,
    /// A store that is not a demo: never to be deleted or written as one.
    NotDemo,
    /// A demo of this many households.
    Demo { households: u32 },
}

/// A store `demo` found at a directory, opened once: what it is, and the open handle to go
/// on with (generating into it, then serving the terminal from it), so the store is never
/// opened twice in one start.
pub struct DemoHandle {
    pub found: DemoStore,
    store: Option<Store>,
}

impl DemoHandle {
    /// The store opened as a service for this terminal; `None` when nothing is there yet.
    pub fn into_service(self, today: Today, settings: Settings) -> Option<Service> {
        self.store.map(|store| Service::new(store, today, settings))
    }

    /// Lets go of the store (to delete a demo for `--reset`); opening it again waits
    /// briefly for sled's lock, as every open does.
    pub fn close(self) {
        drop(self.store);
    }
}

/// What is at `dir`, as far as `demo` is concerned, opened with `config`. With
/// `accounts_as`, a demo store made before accounts existed is given the demo's accounts,
/// as that OS user, in the same opening.
pub fn open_demo(dir: &Path, config: StoreConfig, accounts_as: Option<&str>) -> Result<DemoHandle> {
    if !Store::exists(dir) {
        return Ok(DemoHandle {
            found: DemoStore::Absent,
            store: None,
        });
    }
    let store = Store::open(dir, config)?;
    let county = store.county()?;
    let Some(households) = county.as_ref().and_then(|c| c.demo_households) else {
        return Ok(DemoHandle {
            found: DemoStore::NotDemo,
            store: Some(store),
        });
    };
    if let (Some(actor), Some(county)) = (accounts_as, &county)
        && store.accounts()?.is_empty()
    {
        let accounts: Vec<_> = crate::demo::demo_accounts(county, actor)
            .into_iter()
            .map(|a| (a, None))
            .collect();
        store.put_accounts(&accounts, &stamp(actor), "建立演示账户")?;
    }
    Ok(DemoHandle {
        found: DemoStore::Demo { households },
        store: Some(store),
    })
}

/// What is at `dir`, as far as `demo` is concerned (the store opened and closed again).
pub fn demo_store(dir: &Path, accounts_as: Option<&str>) -> Result<DemoStore> {
    Ok(open_demo(dir, StoreConfig::default(), accounts_as)?.found)
}

/// Generates the demo county of `households` households into the empty store at `dir`
/// (which the caller has made), opened with `config`, as the OS user `actor`; returns the
/// handle, open, for the terminal to go on with.
pub fn generate_demo_into(
    dir: &Path,
    config: StoreConfig,
    spec: &crate::demo::DemoSpec,
    actor: &str,
) -> Result<DemoHandle> {
    let store = Store::open(dir, config)?;
    crate::demo::generate(&store, spec, &stamp(actor))?;
    Ok(DemoHandle {
        found: DemoStore::Demo {
            households: spec.households,
        },
        store: Some(store),
    })
}

/// [`generate_demo_into`] with the default cache, the store closed afterwards.
pub fn generate_demo(dir: &Path, households: u32, today: NaiveDate, actor: &str) -> Result<()> {
    let spec = crate::demo::DemoSpec {
        households,
        today,
        lists: true,
    };
    generate_demo_into(dir, StoreConfig::default(), &spec, actor)?.close();
    Ok(())
}

/// Restores the backup at `backup` into `dir` (see `Store::restore`), the restore's audit
/// entry carrying `actor`. The caller makes sure no server is using `dir`.
pub fn restore(
    backup: &Path,
    dir: &Path,
    replace: bool,
    actor: &str,
    config: StoreConfig,
) -> Result<Restored> {
    Ok(Store::restore(backup, dir, replace, &stamp(actor), config)?)
}
