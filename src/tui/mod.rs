//! The terminal front: ratatui panes over a [`crate::service::Backend`]. It never opens the
//! store; everything it shows comes from the service, and everything it changes goes there.

pub mod action;
pub mod app;
pub mod cells;
pub mod form;
pub mod keymap;
pub mod panes;
pub mod terminal;
pub mod theme;
pub mod wire;

pub use action::Action;
pub use app::App;
pub use keymap::Keymap;
pub use theme::Theme;
