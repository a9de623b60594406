//! Single-flight memoisation: each key is computed at most once per
//! process, and callers that ask while it is being computed wait for the
//! same answer.
//!
//! The catalog uses it for single-user lookups and the integration for its
//! inspections; both would otherwise repeat identical requests within one
//! Terraform operation.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// Answers computed once per key.
#[derive(Debug)]
pub struct Memo<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The answer for `key`, computing it with `compute` if no caller has;
    /// the flag says whether this call computed it.
    pub async fn get_or_compute<F, Fut>(&self, key: K, compute: F) -> (V, bool)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        // NOTE: the lock is held only to find the cell, never across an
        // await, and nothing in that span can panic.
        let cell = self
            .cells
            .lock()
            .expect("lock")
            .entry(key)
            .or_default()
            .clone();

        let mut computed = false;
        let value = cell
            .get_or_init(|| {
                computed = true;
                compute()
            })
            .await;
        (value.clone(), computed)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn concurrent_callers_share_one_computation_per_key() {
        let memo: Memo<&str, usize> = Memo::default();
        let runs = AtomicUsize::new(0);
        let compute = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            7
        };

        let (a, b, c) = tokio::join!(
            memo.get_or_compute("k", compute),
            memo.get_or_compute("k", compute),
            memo.get_or_compute("other", compute),
        );

        assert_eq!((a.0, b.0, c.0), (7, 7, 7));
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert!(a.1 ^ b.1, "exactly one of the two callers computed");
    }
}
