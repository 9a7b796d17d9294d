//! The server's secret key: 32 random bytes in a file beside the database (or where
//! `secret_key_file` says), never in the database, so that a copy of the database or of a backup
//! alone does not give away what the key protects. It seals the authenticator secrets of
//! two-factor sign-in (XChaCha20-Poly1305, each bound to its account) and keys the hashes of the
//! recovery codes (HMAC-SHA-256), so that neither can be used or guessed offline from the data.
//! Each use has its own subkey, derived from the key and the use's name.
//!
//! Every server process of a deployment needs the same key; losing it means each enrolled user
//! sets up two-factor sign-in again (an admin resets it), nothing else.

use anyhow::Context;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a sealed value starts with: the format's version.
const SEALED: &str = "k1:";

/// The key (its bytes are never printed: `Debug` shows the fingerprint).
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServerKey({})", self.fingerprint())
    }
}

impl ServerKey {
    /// A key from its bytes (tests).
    pub fn from_bytes(bytes: [u8; 32]) -> ServerKey {
        ServerKey(bytes)
    }

    /// Where the key lives: the configured file, else beside a SQLite database
    /// (`homeward.db.key`), else `homeward.key` in the working directory.
    pub fn path(settings: &crate::config::Settings) -> PathBuf {
        if let Some(file) = settings.secret_key_file.as_deref().filter(|f| !f.is_empty()) {
            return PathBuf::from(file);
        }
        let url = &settings.database_url;
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PathBuf::from("homeward.key")
        } else {
            PathBuf::from(format!("{}.key", url.trim_start_matches("sqlite://")))
        }
    }

    /// Reads the key file, or creates it (readable by its owner only) when there is none; the
    /// flag says it was created. Two processes starting at once agree on one key: the file is
    /// created exclusively and the loser reads the winner's.
    pub fn load_or_create(path: &Path) -> anyhow::Result<(ServerKey, bool)> {
        if path.exists() {
            return Ok((ServerKey::read(path)?, false));
        }
        // Written whole to a file of its own, then linked into place: a crash leaves no half
        // key, and of two processes starting at once the second to link reads the first's.
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let tmp = path.with_extension(format!("new-{}", uuid::Uuid::new_v4().simple()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options
            .open(&tmp)
            .and_then(|mut file| {
                file.write_all(format!("{}\n", hex::encode(bytes)).as_bytes()).and_then(|_| file.sync_all())
            })
            .with_context(|| format!("writing the secret key {}", tmp.display()));
        let linked = written.and_then(|_| match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("creating the secret key {}", path.display())),
        });
        let _ = std::fs::remove_file(&tmp);
        if linked? {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            Ok((ServerKey(bytes), true))
        } else {
            Ok((ServerKey::read(path)?, false))
        }
    }

    fn read(path: &Path) -> anyhow::Result<ServerKey> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0);
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the secret key file can be read by other users: chmod 600 it");
            }
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading the secret key {}", path.display()))?;
        hex::decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .map(ServerKey)
            .ok_or_else(|| anyhow::anyhow!("{} is not a secret key (64 hexadecimal digits)", path.display()))
    }

    fn subkey(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A short public name of the key (to tell two keys apart in the logs).
    pub fn fingerprint(&self) -> String {
        hex::encode(&self.subkey("fingerprint")[..6])
    }

    /// `plain` sealed for `purpose`, bound to `context` (an account's id: a sealed value copied
    /// to another account does not open there).
    pub fn seal(&self, purpose: &str, context: &str, plain: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.subkey(purpose)));
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: context.as_bytes() })
            .expect("sealing into memory cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{SEALED}{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(out))
    }

    /// Opens a sealed value; `None` when it was sealed with another key, for another purpose or
    /// context, or was altered.
    pub fn open(&self, purpose: &str, context: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(sealed.strip_prefix(SEALED)?).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, body) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.subkey(purpose)));
        cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: context.as_bytes() }).ok()
    }

    /// Whether a stored value is sealed (values stored before the key existed are not).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED)
    }

    /// A keyed hash of `data` for `purpose`, hex.
    pub fn tag(&self, purpose: &str, data: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.subkey(purpose)).expect("HMAC takes any key length");
        mac.update(data.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_purpose_and_context() {
        let key = ServerKey::from_bytes([7; 32]);
        let sealed = key.seal("totp", "user-a", b"JBSWY3DPEHPK3PXP");
        assert!(ServerKey::is_sealed(&sealed) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open("totp", "user-a", &sealed).as_deref(), Some(&b"JBSWY3DPEHPK3PXP"[..]));
        assert_eq!(key.open("totp", "user-b", &sealed), None, "bound to its account");
        assert_eq!(key.open("other", "user-a", &sealed), None, "bound to its purpose");
        assert_eq!(ServerKey::from_bytes([8; 32]).open("totp", "user-a", &sealed), None, "another key");
        assert_ne!(key.seal("totp", "user-a", b"x"), key.seal("totp", "user-a", b"x"), "a fresh nonce each time");
        assert_eq!(key.tag("recovery", "abc"), key.tag("recovery", "abc"));
        assert_ne!(key.tag("recovery", "abc"), ServerKey::from_bytes([8; 32]).tag("recovery", "abc"));
    }

    #[test]
    fn the_key_file_is_created_once_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("homeward-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k");
        let (a, created) = ServerKey::load_or_create(&path).unwrap();
        let (b, again) = ServerKey::load_or_create(&path).unwrap();
        assert!(created && !again);
        assert_eq!(a.fingerprint(), b.fingerprint());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(ServerKey::load_or_create(&path).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
