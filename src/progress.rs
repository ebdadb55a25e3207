//! Progress of a long command (`check`, and imports and exports to come): a bar on a
//! terminal (`indicatif`, on standard error), a plain line per tenth otherwise, so a log
//! file gets ten lines, not ten thousand.

use crate::store::check::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

pub struct Bar {
    what: &'static str,
    bar: Option<ProgressBar>,
    total: u64,
    next_tenth: u64,
}

impl Bar {
    pub fn new(what: &'static str) -> Self {
        Self {
            what,
            bar: None,
            total: 0,
            next_tenth: 1,
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn total(&mut self, records: u64) {
        self.total = records.max(1);
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(self.total);
            let style = ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} 条 {percent}% 剩余 {eta}",
            )
            .map(|s| s.progress_chars("=> "));
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar.set_message(self.what);
            self.bar = Some(bar);
        }
    }

    fn done(&mut self, records: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(records.min(self.total)),
            None => {
                let tenth = (records.min(self.total) * 10 / self.total).min(10);
                if tenth >= self.next_tenth {
                    eprintln!("{}：{}%（{records} 条）", self.what, tenth * 10);
                    self.next_tenth = tenth + 1;
                }
            }
        }
    }
}
