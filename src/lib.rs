//! leaktrap: a git secret scanner.
//!
//! ```text
//!  source ──Blob──▶ prefilter ──candidates──▶ matcher ──Match──▶ filter ──Finding──▶ reporter
//!  worktree        Aho-Corasick over         regex + secret     allowlist,          text, json,
//!  stdin           every rule's keywords     group, entropy,    inline allow        jsonl
//!                  (one pass per blob)       checks, dedup
//! ```
//!
//! `cli` parses arguments into `settings`; `app` runs a command; `source` yields blobs with
//! their `Origin`; `scan` finds `Match`es; `filter` applies policy; `finding` redacts and
//! locates; `report` prints. `pipeline` is the per-blob glue every source shares.

pub mod app;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod filter;
pub mod finding;
pub mod gitleaks;
pub mod hook;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod source;
