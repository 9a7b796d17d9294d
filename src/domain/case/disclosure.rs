//! Small-count suppression for figures that leave an organisation (the deployment-wide
//! backlog): a count from 1 to 4 could single a person out, so it is published as "fewer than
//! 5". Suppressing it alone is not enough when a total is published beside it: the total minus
//! the other cells would give it back. So within every group of cells that adds up to a
//! published total, when exactly one cell is suppressed, the smallest other non-zero cell is
//! suppressed too (secondary suppression), repeatedly until no group has a single suppressed
//! cell; a total of 1 to 4 is itself suppressed. Zero is published: it singles no one out.

use serde::{Serialize, Serializer};

/// Counts below this (and above zero) are not published.
pub const THRESHOLD: i64 = 5;

/// A published count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Shown(i64),
    FewerThan5,
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Count::Shown(n) => s.serialize_i64(*n),
            Count::FewerThan5 => s.serialize_str("fewer than 5"),
        }
    }
}

impl Count {
    /// The number, when published.
    pub fn shown(&self) -> Option<i64> {
        match self {
            Count::Shown(n) => Some(*n),
            Count::FewerThan5 => None,
        }
    }
}

/// Primary suppression of one count.
pub fn primary(n: i64) -> bool {
    (1..THRESHOLD).contains(&n)
}

/// A table of raw counts being prepared for publication: cells, and the groups of cells that
/// add up to a published total (given by the index of the total's cell).
#[derive(Debug, Default)]
pub struct Table {
    values: Vec<i64>,
    hidden: Vec<bool>,
    groups: Vec<(usize, Vec<usize>)>,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a cell; returns its index.
    pub fn cell(&mut self, n: i64) -> usize {
        self.values.push(n);
        self.hidden.push(primary(n));
        self.values.len() - 1
    }

    /// Declares that `parts` add up to `total` (both published).
    pub fn group(&mut self, total: usize, parts: Vec<usize>) {
        self.groups.push((total, parts));
    }

    /// Applies secondary suppression until no group lets a hidden cell be recovered, and gives
    /// each cell as published.
    pub fn publish(mut self) -> Vec<Count> {
        loop {
            let mut changed = false;
            for (total, parts) in &self.groups {
                let members: Vec<usize> = std::iter::once(*total).chain(parts.iter().copied()).collect();
                let hidden = members.iter().filter(|i| self.hidden[**i]).count();
                if hidden == 1 {
                    // Hide the smallest other non-zero cell of the group (never a zero: it
                    // tells nothing, and hiding it would not hide the sum).
                    let next = members
                        .iter()
                        .copied()
                        .filter(|i| !self.hidden[*i] && self.values[*i] > 0)
                        .min_by_key(|i| self.values[*i]);
                    if let Some(i) = next {
                        self.hidden[i] = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        self.values
            .iter()
            .zip(&self.hidden)
            .map(|(n, h)| if *h { Count::FewerThan5 } else { Count::Shown(*n) })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_hidden_and_zero_is_shown() {
        let mut t = Table::new();
        let cells: Vec<usize> = [0, 1, 4, 5, 120].into_iter().map(|n| t.cell(n)).collect();
        let out = t.publish();
        assert_eq!(
            cells.iter().map(|i| out[*i]).collect::<Vec<_>>(),
            vec![Count::Shown(0), Count::FewerThan5, Count::FewerThan5, Count::Shown(5), Count::Shown(120)]
        );
    }

    #[test]
    fn a_single_hidden_cell_cannot_be_recovered_from_its_total() {
        let mut t = Table::new();
        let total = t.cell(42);
        let parts = vec![t.cell(3), t.cell(9), t.cell(30), t.cell(0)];
        t.group(total, parts.clone());
        let out = t.publish();
        assert_eq!(out[parts[0]], Count::FewerThan5);
        assert_eq!(out[parts[1]], Count::FewerThan5, "the next smallest is hidden with it");
        assert_eq!(out[parts[2]], Count::Shown(30));
        assert_eq!(out[parts[3]], Count::Shown(0));
        // What an attacker can compute: 42 - 30 - 0 = 12, the sum of two hidden cells only.
        let visible: i64 = parts.iter().filter_map(|i| out[*i].shown()).sum();
        assert_eq!(out[total].shown().map(|t| t - visible), Some(12));
    }

    #[test]
    fn a_suppression_that_spreads_to_another_group_is_followed() {
        // Rows: a country's outcomes (total held); columns: one outcome across countries.
        let mut t = Table::new();
        let (a_total, a1, a2) = (t.cell(20), t.cell(2), t.cell(18));
        let (b_total, b1, b2) = (t.cell(50), t.cell(10), t.cell(40));
        let c_total = t.cell(12);
        t.group(a_total, vec![a1, a2]);
        t.group(b_total, vec![b1, b2]);
        t.group(c_total, vec![a1, b1]);
        let out = t.publish();
        assert_eq!(out[a1], Count::FewerThan5);
        // Row a hides a2 (18) or the total; column hides b1 (10); row b then hides b2 or its total.
        for group in [vec![a_total, a1, a2], vec![b_total, b1, b2], vec![c_total, a1, b1]] {
            let hidden = group.iter().filter(|i| out[**i] == Count::FewerThan5).count();
            assert_ne!(hidden, 1, "no group with a single hidden cell: {group:?}");
        }
    }

    #[test]
    fn the_json_says_fewer_than_5() {
        assert_eq!(
            serde_json::to_string(&[Count::Shown(7), Count::FewerThan5]).ok().as_deref(),
            Some("[7,\"fewer than 5\"]")
        );
    }
}
