//! One module per command, each with the body of that command; `app` only dispatches to them.
//! Commands use the sources, the pipeline and the reporters; nothing below them uses a command.

pub mod baseline;
pub mod config;
pub mod hook;
pub mod merge;
pub mod rules;
pub mod scan;
