//! The candidate pairs of a review build, found in memory: the organisation's small blocks
//! (keys filed for at most [`BLOCK_LIMIT`] persons) are read once, a page at a time along the
//! key index, and held as small integers; each person's candidates are then the persons
//! sharing the most of its keys. Reading the blocks again for every chunk of persons (as the
//! first version did) read the same few hundred thousand rows hundreds of times over.

use crate::auth::OrgScope;
use crate::db::repo::match_keys as keys_repo;
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use crate::error::AppResult;
use std::collections::HashMap;

/// Persons per block, at most, for a key to propose pairs: a larger block (a common given name
/// born in a common year) says too little.
pub const BLOCK_LIMIT: usize = 200;
/// Keys read per query.
const PAGE: i64 = 50_000;

/// The organisation's small blocks. Memory: one id and a few integers per person filed in a
/// small block (about 40 MB at 500,000 persons), whatever the number of keys.
pub struct Blocks {
    index: HashMap<PersonId, u32>,
    ids: Vec<PersonId>,
    keys_of: Vec<Vec<u32>>,
    members: Vec<Vec<u32>>,
}

impl Blocks {
    /// Reads the organisation's keys and keeps the small blocks.
    pub fn read(conn: &mut DbConnection, scope: &OrgScope) -> AppResult<Blocks> {
        let mut blocks = Blocks { index: HashMap::new(), ids: Vec::new(), keys_of: Vec::new(), members: Vec::new() };
        let (mut key, mut block): (String, Vec<PersonId>) = (String::new(), Vec::new());
        let mut after: Option<(String, PersonId)> = None;
        loop {
            let page = keys_repo::page_after(conn, scope, after.as_ref().map(|(k, p)| (k.as_str(), p.as_str())), PAGE)?;
            let Some(last) = page.last().cloned() else { break };
            for (k, person) in page {
                if k != key {
                    blocks.keep(std::mem::take(&mut block));
                    key = k;
                }
                block.push(person);
            }
            after = Some(last);
        }
        blocks.keep(block);
        Ok(blocks)
    }

    /// Keeps a whole block if it is small and pairs someone.
    fn keep(&mut self, block: Vec<PersonId>) {
        if block.len() < 2 || block.len() > BLOCK_LIMIT {
            return;
        }
        let key = self.members.len() as u32;
        let members: Vec<u32> = block.into_iter().map(|p| self.intern(p)).collect();
        for &m in &members {
            self.keys_of[m as usize].push(key);
        }
        self.members.push(members);
    }

    fn intern(&mut self, p: PersonId) -> u32 {
        if let Some(&i) = self.index.get(&p) {
            return i;
        }
        let i = self.ids.len() as u32;
        self.index.insert(p.clone(), i);
        self.ids.push(p);
        self.keys_of.push(Vec::new());
        i
    }

    /// The `n` persons sharing the most small blocks with `person` (ties by id), none when it
    /// is in no small block.
    pub fn candidates(&self, person: &PersonId, n: usize) -> Vec<&PersonId> {
        let Some(&me) = self.index.get(person) else { return Vec::new() };
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for &k in &self.keys_of[me as usize] {
            for &p in &self.members[k as usize] {
                if p != me {
                    *shared.entry(p).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(u32, usize)> = shared.into_iter().collect();
        let order = |a: &(u32, usize), b: &(u32, usize)| {
            b.1.cmp(&a.1).then_with(|| self.ids[a.0 as usize].cmp(&self.ids[b.0 as usize]))
        };
        // The best n of a block of up to 200, without sorting the rest.
        if ranked.len() > n && n > 0 {
            ranked.select_nth_unstable_by(n - 1, order);
            ranked.truncate(n);
        }
        ranked.sort_by(order);
        ranked.into_iter().take(n).map(|(p, _)| &self.ids[p as usize]).collect()
    }
}
