//! Password hashing with argon2id (m = 19456 KiB, t = 2, p = 1, the OWASP minimum).
//! About 40 ms per hash: call only inside `web::block`, never on an actix worker.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use rand::Rng;
use std::sync::OnceLock;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (salt and parameters included).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// Checks a password against a stored PHC string. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// The password checks of one server, taken in turn: at most `slots` hashes at once, and
/// behind them at most `max_waiting` sign-ins, each for at most `max_wait`; the others are
/// told to come back (`AppError::Busy`, 503 with `Retry-After`). A check holds no database
/// connection. Before, each sign-in hashed on the blocking pool while holding a connection:
/// 16 clients sending wrong passwords took a person read's 99th percentile from 53 to 880 ms.
pub struct Hashing {
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
    max_wait: std::time::Duration,
}

impl Hashing {
    /// Half the cores hash (at least one), so that a flood of sign-ins, right or wrong, leaves
    /// the other half to everyone else; 64 may wait, 5 s each.
    pub fn for_this_machine() -> Hashing {
        let cores = std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(1);
        Hashing::new((cores / 2).max(1), 64, std::time::Duration::from_secs(5))
    }

    pub fn new(slots: usize, max_waiting: usize, max_wait: std::time::Duration) -> Hashing {
        Hashing {
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(slots.max(1))),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            max_waiting,
            max_wait,
        }
    }

    /// `verify` in turn with the other sign-ins of this server.
    pub async fn verify(&self, password: String, stored: String) -> crate::error::AppResult<bool> {
        use std::sync::atomic::Ordering;
        struct Waiting<'a>(&'a std::sync::atomic::AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let busy = crate::error::AppError::Busy { retry_after_secs: self.max_wait.as_secs().max(1) };
        let waiting = Waiting(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            return Err(busy);
        }
        let permit = match tokio::time::timeout(self.max_wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            _ => return Err(busy),
        };
        drop(waiting);
        // The slot goes with the hash: a client that hangs up does not free it while its hash
        // still runs (else connecting and dropping would run any number of hashes at once).
        let ok = actix_web::web::block(move || {
            let _permit = permit;
            verify(&password, &stored)
        })
        .await?;
        Ok(ok)
    }
}

static DUMMY: OnceLock<String> = OnceLock::new();

/// A hash to verify against when the account does not exist, so that an unknown email costs
/// the same time as a wrong password (no user enumeration by timing).
pub fn dummy_hash() -> &'static str {
    DUMMY.get_or_init(|| hash(&generate()).unwrap_or_default())
}

/// A strong random password (about 120 bits) that is easy to read aloud and type.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| (0..5).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_rt::test]
    async fn a_flood_of_checks_is_taken_in_turn_and_the_rest_told_to_come_back() {
        let stored = hash("correct horse battery").expect("hash");
        let hashing = Hashing::new(1, 8, std::time::Duration::from_secs(30));
        let checks = (0..30).map(|i| {
            let typed = if i % 2 == 0 { "correct horse battery" } else { "wrong" };
            let (hashing, stored) = (&hashing, stored.clone());
            async move { (i, hashing.verify(typed.into(), stored).await) }
        });
        let results = futures_util::future::join_all(checks).await;
        let busy = results.iter().filter(|(_, r)| matches!(r, Err(crate::error::AppError::Busy { .. }))).count();
        // One hashing, eight waiting: the other 21 are told at once.
        assert_eq!(busy, 21, "{results:?}");
        for (i, r) in &results {
            if let Ok(ok) = r {
                assert_eq!(*ok, i % 2 == 0, "check {i}");
            }
        }
        // The queue drained: the next check is taken.
        assert!(hashing.verify("correct horse battery".into(), stored.clone()).await.expect("taken"));
        // A check that waits too long is told to come back too.
        let hurried = Hashing::new(1, 8, std::time::Duration::from_millis(1));
        let two = futures_util::future::join(
            hurried.verify("wrong".into(), stored.clone()),
            hurried.verify("wrong".into(), stored.clone()),
        )
        .await;
        assert!(matches!(two.1, Err(crate::error::AppError::Busy { .. })), "{two:?}");
    }

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn generated_passwords_are_long_distinct_and_pass_the_policy() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 23);
        assert!(crate::domain::account::check_password(&a, "x@y.org").is_ok());
    }
}
