//! The scratch file of the targets that read from a path.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One scratch file per fuzzing process, rewritten for every input; in memory (/dev/shm) where
/// there is one, since rewriting a file on disk thousands of times a second is slower than the
/// code under test.
pub fn scratch(name: &str) -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("leaktrap-fuzz-{name}-{}.json", std::process::id()))
    })
}
