//! The integration tests, as one test binary (one link, the shared helpers compiled once): each
//! module is one area, and every test runs the real binary or the library on real files and
//! real git repositories built in temp dirs.

mod action;
mod archives;
mod baseline;
mod cli;
mod common;
mod docs;
mod encodings;
mod fleet;
mod gate;
mod git;
mod gitleaks_files;
mod html_report;
mod layout;
mod properties;
mod reliability;
mod report_snapshots;
mod reports;
mod rule_examples;
mod server;
