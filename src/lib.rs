//! yuanzhu (援助): the caseworkers' ledger of Jiangxi's employment-assistance service.
//! Layers, top to bottom: `tui`, the CLI and `remote` (the socket) talk to `service`, which
//! alone talks to `store`, which alone touches sled; `domain` holds the policy and imports
//! nothing of ours. `import` reads other agencies' list files for the CLI, into rows the
//! domain checks.

pub mod config;
pub mod demo;
pub mod domain;
pub mod import;
pub mod progress;
pub mod remote;
pub mod service;
pub mod store;
pub mod tui;
