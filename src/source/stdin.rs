//! Standard input as one blob, named `-` in findings.

use std::io::Read;

use anyhow::Context;

use crate::origin::{Origin, SourceKind};
use crate::pipeline::Pipeline;

/// Reads standard input (up to the size limit, so a huge stream cannot exhaust memory) and scans
/// it.
pub fn scan(pipeline: &Pipeline) -> anyhow::Result<()> {
    let limit = pipeline.max_file_size;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .context("could not read standard input")?;
    let origin = Origin::new("-".to_string(), SourceKind::Stdin);
    if bytes.len() as u64 > limit {
        pipeline.skip_too_large(&origin, bytes.len() as u64);
        return Ok(());
    }
    pipeline.scan_bytes(&bytes, &origin);
    Ok(())
}
