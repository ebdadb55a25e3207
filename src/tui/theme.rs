//! Colours, emphasis and borders. The default uses only the 16 named colours every terminal
//! has; the monochrome theme (chosen by `NO_COLOR`) uses bold and reverse alone. Borders are
//! box-drawing lines, or ASCII for Chinese-locale consoles that draw box-drawing characters
//! two cells wide.

use crate::domain::DueStatus;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::Block;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// 16 named colours (default).
    #[value(name = "16")]
    #[serde(rename = "16")]
    Sixteen,
    /// Bold and reverse only.
    Mono,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Borders {
    /// Box-drawing lines (default).
    #[default]
    Box,
    /// `+ - |`, one cell wide on every console.
    Ascii,
}

const ASCII: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub name: ThemeName,
    pub borders: Borders,
}

impl Theme {
    pub fn sixteen() -> Self {
        Self {
            name: ThemeName::Sixteen,
            borders: Borders::Box,
        }
    }

    pub fn mono() -> Self {
        Self {
            name: ThemeName::Mono,
            borders: Borders::Box,
        }
    }

    pub fn with_borders(self, borders: Borders) -> Self {
        Self { borders, ..self }
    }

    /// The theme asked for, else monochrome when `NO_COLOR` is set to anything non-empty
    /// (no-color.org), else 16 colours.
    pub fn choose(asked: Option<ThemeName>, borders: Borders) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let name = asked.unwrap_or(if no_color {
            ThemeName::Mono
        } else {
            ThemeName::Sixteen
        });
        Self { name, borders }
    }

    /// A bordered block in this theme's border set.
    pub fn block<'a>(&self) -> Block<'a> {
        let block = Block::bordered();
        match self.borders {
            Borders::Box => block,
            Borders::Ascii => block.border_set(ASCII),
        }
    }

    fn pick(&self, color: Style, mono: Style) -> Style {
        match self.name {
            ThemeName::Sixteen => color,
            ThemeName::Mono => mono,
        }
    }

    pub fn header(&self) -> Style {
        self.pick(
            Style::new().fg(Color::White).bg(Color::Blue),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn marker(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn due(&self, due: DueStatus) -> Style {
        match due {
            DueStatus::Overdue => self.pick(
                Style::new()
                    .fg(Color::LightRed)
                    .add_modifier(Modifier::BOLD),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            // Its own colour, and in monochrome its own mark: not the bold of 逾期.
            DueStatus::DueSoon => self.pick(
                Style::new()
                    .fg(Color::LightMagenta)
                    .add_modifier(Modifier::BOLD),
                Style::new().add_modifier(Modifier::UNDERLINED),
            ),
            DueStatus::Due => self.pick(Style::new().fg(Color::Yellow), Style::new()),
            DueStatus::Done => self.pick(Style::new().fg(Color::Green), Style::new()),
        }
    }

    pub fn dim(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }

    pub fn label(&self) -> Style {
        self.pick(Style::new().fg(Color::Cyan), Style::new())
    }

    pub fn focus(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn error(&self) -> Style {
        self.pick(
            Style::new().fg(Color::LightRed),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn ok(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::LightGreen)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn warn(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Black).bg(Color::Yellow),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    pub fn footer(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Black).bg(Color::Gray),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }
}
