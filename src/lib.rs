//! leaktrap: a git secret scanner.
//!
//! ```text
//!  source ──Blob──▶ prefilter ──candidates──▶ matcher ──Match──▶ filter ──Finding──▶ reporter
//!  worktree        Aho-Corasick over         regex + secret     allowlist,          text, json,
//!  staged          every rule's keywords     group, entropy,    inline allow,       jsonl, sarif,
//!  history         (one pass per blob)       checksum/structure baseline,           junit, csv
//!  stdin           + decoders                checks, dedup      added lines
//!     │            archive: an archive's entries go through the same path, `a.zip!entry`
//!   git            the object store beneath the git sources: repository, objects, trees,
//!                  packs, commit listing, index file
//! ```
//!
//! `cli` parses arguments into `settings`; `app` dispatches to one of `commands`; a command opens
//! a `source` (work tree, index, history, stdin), which yields blobs with their `origin`;
//! `pipeline` runs each blob through `scan` (finds `Match`es) and `filter` (applies policy) into
//! `finding`s; `report` renders them and `output` writes them. `git` knows git and nothing
//! else. `docs/architecture.md` says which layer may use which.

pub mod app;
pub mod archive;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit_status;
pub mod filter;
pub mod finding;
pub mod git;
pub mod gitleaks;
pub mod origin;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod source;
