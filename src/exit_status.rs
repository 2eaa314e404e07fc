//! The process's exit status: a closed set, so every command says which one it means and
//! `main` alone turns it into a number.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: no findings, or a command that did what it was asked.
    Clean,
    /// Findings: 1, or the code `--exit-code N` chose.
    Findings(u8),
    /// 2: a usage, config or runtime error, including anything that could not be read. It
    /// outranks findings, so an incomplete scan never passes.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings(code) => code,
            ExitStatus::Error => 2,
        }
    }
}
