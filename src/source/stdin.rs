//! Standard input as one blob, named `-` in findings.

use anyhow::Context;

use crate::origin::{Origin, SourceKind};
use crate::pipeline::Pipeline;

/// Reads standard input and scans it (see `Pipeline::scan_reader`: a huge stream cannot exhaust
/// memory).
pub fn scan(pipeline: &Pipeline) -> anyhow::Result<()> {
    let origin = Origin::new("-".to_string(), SourceKind::Stdin);
    pipeline
        .scan_reader(&mut std::io::stdin().lock(), 0, &origin)
        .context("could not read standard input")
}
