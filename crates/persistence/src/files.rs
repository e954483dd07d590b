//! Where file contents live: content-addressed by SHA-256 under a folder (by default `<data dir>/files`), so an
//! identical file is stored once. An upload is first spooled to a temporary file in the same folder (written as it
//! arrives, never held whole in memory), hashed on the way, then moved into place; a spooled file that is not kept
//! removes itself, so a failed upload leaves nothing behind.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The content store.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// A store under `root` (created when missing).
    pub fn local(root: impl Into<PathBuf>) -> io::Result<FileStore> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(FileStore { root })
    }

    /// A new temporary file to spool an upload into.
    pub fn spool(&self, keep_head: usize) -> io::Result<Spool> {
        let name = format!("upload-{}-{:016x}", std::process::id(), rand_u64());
        let path = self.root.join("tmp").join(name);
        let file = File::options().write(true).create_new(true).open(&path)?;
        Ok(Spool { path: Some(path), file: Some(file), hasher: Sha256::new(), size: 0, head: Vec::new(), keep_head })
    }

    /// Where a content is stored: `<root>/ab/cd/<sha256>`.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (a, rest) = sha256.split_at(2.min(sha256.len()));
        let b = rest.get(..2).unwrap_or_default();
        self.root.join(a).join(b).join(sha256)
    }

    /// Moves a spooled file into place under its hash; when that content is already stored, the spool is dropped.
    pub fn keep(&self, spooled: Spooled) -> io::Result<()> {
        let target = self.path_of(&spooled.sha256);
        if target.exists() {
            return Ok(()); // identical content stored once; `spooled` removes itself
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut spooled = spooled;
        let from = spooled.path.take().expect("a spooled file has a path");
        std::fs::rename(&from, &target).inspect_err(|_| {
            let _ = std::fs::remove_file(&from);
        })
    }

    /// Removes a content; one already gone is fine.
    pub fn remove(&self, sha256: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path_of(sha256)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Whether a content is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }
}

/// An upload being written.
pub struct Spool {
    path: Option<PathBuf>,
    file: Option<File>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    keep_head: usize,
}

impl Spool {
    pub fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        if self.head.len() < self.keep_head {
            let room = self.keep_head - self.head.len();
            self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.file.as_mut().expect("an open spool").write_all(chunk)
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Flushes the file to disk and says what was written.
    pub fn finish(mut self) -> io::Result<Spooled> {
        let file = self.file.take().expect("an open spool");
        file.sync_all()?;
        drop(file);
        Ok(Spooled {
            path: self.path.take(),
            sha256: hex::encode(std::mem::take(&mut self.hasher).finalize()),
            size: self.size,
            head: std::mem::take(&mut self.head),
        })
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A completely written upload, not yet kept. Dropping it removes the temporary file.
pub struct Spooled {
    path: Option<PathBuf>,
    pub sha256: String,
    pub size: u64,
    /// the first bytes, for deciding the kind
    pub head: Vec<u8>,
}

impl Spooled {
    /// The temporary file (to read it before keeping, e.g. for a thumbnail).
    pub fn path(&self) -> &Path {
        self.path.as_deref().expect("a spooled file has a path until kept")
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_contents_are_stored_once_and_failed_spools_leave_nothing() {
        let dir = std::env::temp_dir().join(format!("loopdesk-files-test-{}", rand_u64()));
        let store = FileStore::local(&dir).unwrap();
        let put = |bytes: &[u8]| {
            let mut spool = store.spool(0).unwrap();
            spool.write(bytes).unwrap();
            let spooled = spool.finish().unwrap();
            let sha256 = spooled.sha256.clone();
            store.keep(spooled).unwrap();
            sha256
        };
        let first = put(b"the same photo");
        let second = put(b"the same photo");
        assert_eq!(first, second);
        assert!(store.contains(&first));
        assert_eq!(std::fs::read(store.path_of(&first)).unwrap(), b"the same photo");

        let mut abandoned = store.spool(4).unwrap();
        abandoned.write(b"half an upload").unwrap();
        drop(abandoned);
        let finished_but_not_kept = {
            let mut spool = store.spool(4).unwrap();
            spool.write(b"refused kind").unwrap();
            spool.finish().unwrap()
        };
        assert_eq!(finished_but_not_kept.head, b"refu");
        drop(finished_but_not_kept);
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0, "no temporary file is left behind");

        store.remove(&first).unwrap();
        store.remove(&first).unwrap();
        assert!(!store.contains(&first));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
