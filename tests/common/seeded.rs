//! The walks' seeded source (SplitMix64, as the demo's), so a failing walk replays.

use chrono::NaiveDate;

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A day in `days` days from `from`.
    pub fn day(&mut self, from: NaiveDate, days: usize) -> NaiveDate {
        from + chrono::Days::new(self.below(days) as u64)
    }
}
