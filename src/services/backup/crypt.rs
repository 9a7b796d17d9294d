//! Passphrase encryption of a backup: a key derived with Argon2id from the passphrase and a
//! random salt, and the payload cut into 64 KiB chunks, each sealed with XChaCha20-Poly1305
//! under the STREAM construction (a nonce of a random prefix, the chunk's counter and a flag
//! on the last chunk). A changed, reordered, cut or extended file fails to open, and the
//! header is bound to the first chunk so that it cannot be swapped either. Chunks keep the
//! memory flat however large the database is.

use anyhow::{anyhow, bail, Context};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const PREFIX: usize = 19;

/// What a reader needs, besides the passphrase, to open an encrypted backup; kept in its header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Sealing {
    pub cipher: String,
    pub kdf: String,
    /// Argon2id memory (KiB), iterations and lanes.
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
    pub nonce_prefix: String,
}

impl Sealing {
    /// Fresh random salt and nonce prefix, with Argon2id costs above the library's defaults:
    /// a stolen backup is attacked offline, so each guess should cost real time.
    pub fn fresh() -> Sealing {
        let mut salt = [0u8; 16];
        let mut prefix = [0u8; PREFIX];
        rand::thread_rng().fill_bytes(&mut salt);
        rand::thread_rng().fill_bytes(&mut prefix);
        Sealing {
            cipher: "xchacha20poly1305-stream-64k".into(),
            kdf: "argon2id".into(),
            m_cost: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
            salt: hex::encode(salt),
            nonce_prefix: hex::encode(prefix),
        }
    }

    fn cipher(&self, passphrase: &str) -> anyhow::Result<(XChaCha20Poly1305, [u8; PREFIX])> {
        if self.cipher != "xchacha20poly1305-stream-64k" || self.kdf != "argon2id" {
            bail!("this backup is sealed with {} / {}, which this version cannot open", self.cipher, self.kdf);
        }
        // The costs come from the header, which is read before anything authenticates it: a
        // forged header must not make the restore take all memory or all day.
        if self.m_cost > 1024 * 1024 || self.t_cost > 16 || self.p_cost > 8 {
            bail!("the backup header asks for key costs beyond what Homeward writes (changed header?)");
        }
        let salt = hex::decode(&self.salt).context("the backup header's salt is not hex")?;
        let prefix: [u8; PREFIX] = hex::decode(&self.nonce_prefix)
            .ok()
            .and_then(|p| p.try_into().ok())
            .ok_or_else(|| anyhow!("the backup header's nonce is malformed"))?;
        let params = argon2::Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| anyhow!("the backup header's key parameters are invalid: {e}"))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = [0u8; 32];
        argon
            .hash_password_into(passphrase.as_bytes(), &salt, &mut key)
            .map_err(|e| anyhow!("cannot derive the key: {e}"))?;
        Ok((XChaCha20Poly1305::new(Key::from_slice(&key)), prefix))
    }
}

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    n[23] = u8::from(last);
    *XNonce::from_slice(&n)
}

/// Reads as many bytes as fit in `buf` (fewer only at the end of the input).
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// Encrypts `input` to `output`. Every chunk but the last is full; the last is shorter (maybe
/// empty) and flagged, so a reader knows where the payload really ends.
pub fn seal(
    sealing: &Sealing,
    passphrase: &str,
    aad: &[u8],
    input: &mut impl Read,
    output: &mut impl Write,
) -> anyhow::Result<()> {
    let (cipher, prefix) = sealing.cipher(passphrase)?;
    let mut buf = vec![0u8; CHUNK];
    let mut counter: u32 = 0;
    loop {
        let n = fill(input, &mut buf)?;
        let last = n < CHUNK;
        let chunk_aad: &[u8] = if counter == 0 { aad } else { &[] };
        let sealed = cipher
            .encrypt(&nonce(&prefix, counter, last), Payload { msg: &buf[..n], aad: chunk_aad })
            .map_err(|_| anyhow!("encryption failed"))?;
        output.write_all(&sealed)?;
        if last {
            return Ok(());
        }
        counter = counter.checked_add(1).ok_or_else(|| anyhow!("the backup is too large to encrypt"))?;
    }
}

/// Decrypts what [`seal`] wrote; fails on a wrong passphrase or any change to the file.
pub fn open(
    sealing: &Sealing,
    passphrase: &str,
    aad: &[u8],
    input: &mut impl Read,
    output: &mut impl Write,
) -> anyhow::Result<()> {
    let (cipher, prefix) = sealing.cipher(passphrase)?;
    let mut buf = vec![0u8; CHUNK + TAG];
    let mut counter: u32 = 0;
    loop {
        let n = fill(input, &mut buf)?;
        let last = n < CHUNK + TAG;
        let chunk_aad: &[u8] = if counter == 0 { aad } else { &[] };
        let plain = cipher
            .decrypt(&nonce(&prefix, counter, last), Payload { msg: &buf[..n], aad: chunk_aad })
            .map_err(|_| {
                if counter == 0 {
                    anyhow!("cannot decrypt the backup: wrong passphrase, or the file was changed")
                } else {
                    anyhow!("the backup is damaged or cut short (chunk {counter} does not authenticate)")
                }
            })?;
        output.write_all(&plain)?;
        if last {
            return Ok(());
        }
        counter = counter.checked_add(1).ok_or_else(|| anyhow!("the backup is too large"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Sealing {
        // Small costs: the tests check the format, not the key's strength.
        Sealing { m_cost: 256, t_cost: 1, ..Sealing::fresh() }
    }

    fn round_trip(len: usize) {
        let s = quick();
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut sealed = Vec::new();
        seal(&s, "correct horse", b"header", &mut data.as_slice(), &mut sealed).expect("seal");
        assert!(sealed.len() > data.len());
        let mut back = Vec::new();
        open(&s, "correct horse", b"header", &mut sealed.as_slice(), &mut back).expect("open");
        assert_eq!(back, data);
    }

    #[test]
    fn round_trips_at_every_chunk_boundary() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
            round_trip(len);
        }
    }

    #[test]
    fn a_wrong_passphrase_a_changed_header_a_flipped_byte_or_a_cut_file_fail() {
        let s = quick();
        let data = vec![7u8; 2 * CHUNK + 10];
        let mut sealed = Vec::new();
        seal(&s, "pass", b"header", &mut data.as_slice(), &mut sealed).expect("seal");
        let attempt = |pass: &str, aad: &[u8], bytes: &[u8]| {
            let mut out = Vec::new();
            open(&s, pass, aad, &mut &bytes[..], &mut out).map(|_| out)
        };
        assert!(attempt("pass", b"header", &sealed).is_ok());
        assert!(attempt("wrong", b"header", &sealed).unwrap_err().to_string().contains("wrong passphrase"));
        assert!(attempt("pass", b"other", &sealed).is_err());
        let mut flipped = sealed.clone();
        flipped[CHUNK + TAG + 5] ^= 1;
        assert!(attempt("pass", b"header", &flipped).unwrap_err().to_string().contains("chunk 1"));
        // Cut at a chunk boundary: the second chunk now looks like the last one but is not.
        assert!(attempt("pass", b"header", &sealed[..2 * (CHUNK + TAG)]).is_err());
        assert!(attempt("pass", b"header", &sealed[..sealed.len() - 1]).is_err());
        let mut extended = sealed.clone();
        extended.extend_from_slice(&[0u8; 40]);
        assert!(attempt("pass", b"header", &extended).is_err());
    }
}
