//! The config file (`<config dir>/config.toml`, or `--config FILE`): the settings of one
//! terminal — theme, borders, keymap, store cache, the server's socket. Unknown keys are an error with the file
//! and line, never silently ignored. Command-line flags win over the file.

use crate::tui::theme::{Borders, ThemeName};
use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `"16"` (default) or `"mono"`.
    pub theme: Option<ThemeName>,
    /// `"box"` (default) or `"ascii"`.
    pub borders: Option<Borders>,
    /// `"default"`, `"vim"`, or a keymap file's path.
    pub keymap: Option<String>,
    /// The store's page cache in MiB (default 64).
    pub cache_mb: Option<u64>,
    /// The server's socket (default `<data dir>/yuanzhu.sock`); a terminal with this set
    /// always goes through the server.
    pub socket: Option<std::path::PathBuf>,
    /// The group `yuanzhu serve` gives its socket (mode 0660).
    pub socket_group: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("配置文件 {file} 有误：{message}")]
pub struct ConfigError {
    pub file: String,
    pub message: String,
}

impl Config {
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            file: file.to_string(),
            message: e.to_string().trim().to_string(),
        })
    }

    /// The file at `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_sets_theme_borders_and_keymap() {
        let c = Config::parse(
            "theme = \"mono\"\nborders = \"ascii\"\nkeymap = \"vim\"\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.theme, Some(ThemeName::Mono));
        assert_eq!(c.borders, Some(Borders::Ascii));
        assert_eq!(c.keymap.as_deref(), Some("vim"));
    }

    #[test]
    fn an_unknown_key_or_value_is_refused_with_its_line() {
        let e = Config::parse("theme = \"16\"\nborder = \"ascii\"\n", "config.toml").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = Config::parse("borders = \"double\"\n", "config.toml").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn the_shipped_caseworker_config_reads() {
        let text = include_str!("../examples/deploy/caseworker-config.toml");
        let c = Config::parse(text, "caseworker-config.toml").unwrap();
        assert_eq!(
            c.socket.as_deref(),
            Some(std::path::Path::new("/run/yuanzhu/yuanzhu.sock"))
        );
    }
}
