//! A ratatui backend that spends as few bytes as it can on the wire, for slow SSH links:
//! a cursor move only where the cursor is not already (after a wide character the terminal
//! cursor is two cells on, so Chinese text needs no move per character), the classic
//! 16-colour SGR codes (`33`, not `38;5;3`, which old consoles lack and which is longer),
//! one attribute reset at the end of a frame only when a style is still set, and cursor
//! show/hide only when it changes. Everything else is the crossterm backend's.

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

pub struct WireBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// Where the terminal's cursor is, as far as this backend knows.
    cursor: Option<Position>,
    cursor_shown: Option<bool>,
}

impl<W: Write> WireBackend<W> {
    pub fn new(writer: W) -> Self {
        Self {
            inner: CrosstermBackend::new(writer),
            cursor: None,
            cursor_shown: None,
        }
    }

    pub fn writer_mut(&mut self) -> &mut W {
        self.inner.writer_mut()
    }
}

/// The SGR sequence that sets exactly this style, from a reset.
fn sgr(fg: Color, bg: Color, modifier: Modifier) -> String {
    let mut codes: Vec<String> = vec!["0".into()];
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if modifier.contains(flag) {
            codes.push(code.into());
        }
    }
    if let Some(c) = color_code(fg, false) {
        codes.push(c);
    }
    if let Some(c) = color_code(bg, true) {
        codes.push(c);
    }
    format!("\x1b[{}m", codes.join(";"))
}

fn color_code(color: Color, background: bool) -> Option<String> {
    let base = |n: u8| Some(if background { n + 10 } else { n }.to_string());
    match color {
        Color::Reset => None,
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(i) => Some(format!("{};5;{i}", if background { 48 } else { 38 })),
        Color::Rgb(r, g, b) => Some(format!(
            "{};2;{r};{g};{b}",
            if background { 48 } else { 38 }
        )),
    }
}

impl<W: Write> Backend for WireBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut style = (Color::Reset, Color::Reset, Modifier::empty());
        let w = self.inner.writer_mut();
        for (x, y, cell) in content {
            let here = Position::new(x, y);
            if self.cursor != Some(here) {
                write!(w, "\x1b[{};{}H", y + 1, x + 1)?;
            }
            let wanted = (cell.fg, cell.bg, cell.modifier);
            if wanted != style {
                w.write_all(sgr(cell.fg, cell.bg, cell.modifier).as_bytes())?;
                style = wanted;
            }
            // ratatui already drops control characters from text; a cell set any other way
            // must not smuggle an escape sequence to the terminal either.
            let symbol = match cell.symbol() {
                s if s.contains(char::is_control) => " ",
                s => s,
            };
            w.write_all(symbol.as_bytes())?;
            let width = u16::try_from(symbol.width().max(1)).unwrap_or(1);
            self.cursor = Some(Position::new(x.saturating_add(width), y));
        }
        if style != (Color::Reset, Color::Reset, Modifier::empty()) {
            w.write_all(b"\x1b[0m")?;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(false) {
            self.inner.writer_mut().write_all(b"\x1b[?25l")?;
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(true) {
            self.inner.writer_mut().write_all(b"\x1b[?25h")?;
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        // Never ask the terminal (a round trip on a slow link); say what we last set.
        Ok(self.cursor.unwrap_or_default())
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        if self.cursor != Some(p) {
            write!(self.inner.writer_mut(), "\x1b[{};{}H", p.y + 1, p.x + 1)?;
            self.cursor = Some(p);
        }
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.cursor = None;
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.cursor = None;
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_needs_one_cursor_move_not_one_per_character() {
        let mut b = WireBackend::new(Vec::new());
        // ratatui's diff leaves out the cell a wide character covers.
        let (li, jian) = (Cell::new("李"), Cell::new("建"));
        let content = [(0u16, 0u16, &li), (2, 0, &jian)];
        b.draw(content.into_iter()).unwrap();
        assert_eq!(String::from_utf8_lossy(b.writer_mut()), "\x1b[1;1H李建");
    }

    #[test]
    fn a_cell_holding_an_escape_sequence_is_drawn_as_a_blank() {
        let mut b = WireBackend::new(Vec::new());
        let mut evil = Cell::default();
        evil.set_symbol("\x1b]0;pwned\x07");
        b.draw([(0u16, 0u16, &evil)].into_iter()).unwrap();
        assert_eq!(String::from_utf8_lossy(b.writer_mut()), "\x1b[1;1H ");
    }

    #[test]
    fn named_colours_use_the_short_16_colour_codes() {
        assert_eq!(
            sgr(Color::Yellow, Color::Reset, Modifier::BOLD),
            "\x1b[0;1;33m"
        );
        assert_eq!(
            sgr(Color::Black, Color::Gray, Modifier::empty()),
            "\x1b[0;30;47m"
        );
        assert_eq!(
            sgr(Color::LightRed, Color::Reset, Modifier::empty()),
            "\x1b[0;91m"
        );
    }

    #[test]
    fn cursor_visibility_is_sent_only_when_it_changes() {
        let mut b = WireBackend::new(Vec::new());
        b.hide_cursor().unwrap();
        b.hide_cursor().unwrap();
        b.set_cursor_position((3, 4)).unwrap();
        b.set_cursor_position((3, 4)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(b.writer_mut()),
            "\x1b[?25l\x1b[5;4H"
        );
    }
}
