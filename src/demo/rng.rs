//! The demo county's only source of chance: SplitMix64 (Steele, Lea and Flood, 2014) from a
//! fixed seed, so the same spec gives the same county on every machine and every run. Not
//! for anything that must be unpredictable.

use chrono::{Days, NaiveDate};

pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; 0 when `n` is 0. Multiply-high rather than `%`, so small ranges
    /// carry no visible bias.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi` (`lo` when the range is empty).
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        // The result is below `hi - lo + 1`, which fits in u32.
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        // 53 random bits: every f64 in [0, 1) with that spacing is equally likely.
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }

    /// One item of a constant table, each equally likely.
    pub fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        const { assert!(N > 0, "a table to pick from must not be empty") };
        items[self.below(N as u64) as usize]
    }

    /// One item of a list built at run time, each equally likely; `None` when empty.
    pub fn pick_in<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// One item of a constant table, each as likely as its weight.
    pub fn weighted<T: Copy, const N: usize>(&mut self, items: &[(T, u32); N]) -> T {
        const { assert!(N > 0, "a table to pick from must not be empty") };
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut ticket = self.below(total);
        for (item, weight) in items {
            let weight = u64::from(*weight);
            if ticket < weight {
                return *item;
            }
            ticket -= weight;
        }
        items[N - 1].0
    }

    /// An index into `weights`, each as likely as its weight; 0 when all weights are 0.
    pub fn weighted_index(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut ticket = self.below(total);
        for (i, weight) in weights.iter().enumerate() {
            let weight = u64::from(*weight);
            if ticket < weight {
                return i;
            }
            ticket -= weight;
        }
        0
    }

    /// A day in `from..=to` (`from` when the range is empty).
    pub fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = u64::try_from((to - from).num_days()).unwrap_or(0);
        from.checked_add_days(Days::new(self.below(span + 1)))
            .unwrap_or(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn first_output_of_seed_zero_matches_the_reference() {
        // The reference implementation's first output for seed 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn ranges_stay_inside_their_bounds() {
        let mut r = SplitMix64::new(1);
        for _ in 0..1000 {
            let v = r.between(3, 5);
            assert!((3..=5).contains(&v));
        }
        assert_eq!(r.between(9, 2), 9);
        let from = NaiveDate::from_ymd_opt(2026, 2, 27).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        for _ in 0..100 {
            let d = r.day_between(from, to);
            assert!(from <= d && d <= to);
        }
        assert_eq!(r.day_between(to, from), to);
    }

    #[test]
    fn weights_are_respected_roughly() {
        let mut r = SplitMix64::new(2);
        let table = [("a", 9), ("b", 1), ("c", 0)];
        let a = (0..10_000).filter(|_| r.weighted(&table) == "a").count();
        assert!((8_700..9_300).contains(&a), "{a}");
        assert!((0..1000).all(|_| r.weighted(&table) != "c"));
    }
}
