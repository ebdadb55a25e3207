//! The service over a Unix socket: `yuanzhu serve` (the [`server`]) owns the store, and every
//! session reaches it through a [`client::SocketBackend`] in framed messages ([`frame`]).
//! It sits beside the TUI and the CLI as a front of `service`.

pub mod client;
pub mod frame;
pub mod limits;
pub mod server;

pub use client::SocketBackend;
pub use limits::Limits;
pub use server::{Identify, PeerCredentials, Server, SocketSpec, default_socket, login_name};
