//! Colours and emphasis. The default uses only the 16 named colours every terminal has; the
//! monochrome theme (chosen by `NO_COLOR`) uses bold and reverse alone.

use crate::domain::DueStatus;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeName {
    Sixteen,
    Mono,
}

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub name: ThemeName,
}

impl Theme {
    pub fn sixteen() -> Self {
        Self {
            name: ThemeName::Sixteen,
        }
    }

    pub fn mono() -> Self {
        Self {
            name: ThemeName::Mono,
        }
    }

    /// `NO_COLOR` set to anything non-empty chooses monochrome (no-color.org).
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::mono(),
            _ => Self::sixteen(),
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
