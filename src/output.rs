//! Where reports go: standard output, or the file `-o` names, replaced atomically so that a
//! reader never sees half a report and a failed run never leaves one behind.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Writes bytes to standard output and flushes them; a broken pipe comes back as the error it is.
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

/// Writes a report where it goes: the `-o` file, or standard output. A reader that stops early
/// (`| head`) breaks the pipe; that is no failure of the run, which keeps the exit code its
/// findings give, whichever way the report was written.
pub fn deliver(output: Option<&Output>, bytes: &[u8]) -> anyhow::Result<()> {
    let result = match output {
        Some(output) => output.write(bytes),
        None => write_stdout(bytes).context("could not write to standard output"),
    };
    match result {
        Err(error) if is_broken_pipe(&error) => Ok(()),
        other => other,
    }
}

/// Whether an error comes from writing to a pipe whose reader has gone.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
    })
}

/// Where `-o` writes: a regular (or new) file is replaced atomically with mode 0600; a device or
/// FIFO (`/dev/null`, `/dev/stdout`) is written straight through.
pub struct Output {
    path: PathBuf,
    straight_through: bool,
}

impl Output {
    /// Fails before any scanning when the report could not be written.
    pub fn check(path: &Path) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            return Ok(Output {
                path: PathBuf::from("/dev/stdout"),
                straight_through: true,
            });
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => bail!(
                "{}: is a directory\nhint: give --output a file name, e.g. -o report.json",
                path.display()
            ),
            Ok(meta) => Ok(Output {
                path: path.to_path_buf(),
                straight_through: !meta.is_file(),
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let parent = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                if !parent.is_dir() {
                    bail!(
                        "{}: its directory {} does not exist\nhint: create it first",
                        path.display(),
                        parent.display()
                    );
                }
                Ok(Output {
                    path: path.to_path_buf(),
                    straight_through: false,
                })
            }
            Err(e) => bail!("{}: cannot be written: {e}", path.display()),
        }
    }

    pub fn write(&self, bytes: &[u8]) -> anyhow::Result<()> {
        let context = || format!("could not write the report to {}", self.path.display());
        if self.straight_through {
            let mut file = OpenOptions::new().write(true).open(&self.path).with_context(context)?;
            return file.write_all(bytes).with_context(context);
        }
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = self
            .path
            .with_file_name(format!(".{name}.leaktrap-{}.tmp", std::process::id()));
        let result = (|| -> std::io::Result<()> {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result.with_context(context)
    }
}
