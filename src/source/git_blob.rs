//! Reading a blob from the object store for the pipeline: over `--max-file-size` it is counted, a
//! missing or corrupt object is an error that makes the run exit 2.

use git2::Repository;

use crate::finding::Finding;
use crate::git::object::{BlobLimits, BlobReader, BoundedBlob, read_blob};
use crate::git::pack::PackReader;
use crate::origin::Origin;
use crate::pipeline::{HOLD_WHOLE, Pipeline};

/// Reports an object that could not be read, naming it and the path it was read for.
pub fn report_unreadable(pipeline: &Pipeline, origin: &Origin, oid: git2::Oid, error: &git2::Error) {
    pipeline.error(&format!(
        "{}: object {oid} is missing or corrupt: {}",
        origin.path,
        error.message()
    ));
}

/// What `read_blob` may hold and what it must skip, from the pipeline's settings.
pub fn limits(pipeline: &Pipeline) -> BlobLimits {
    BlobLimits {
        skip_over: pipeline.max_file_size,
        hold_up_to: HOLD_WHOLE,
    }
}

/// Reads a blob by id and scans it: whole, streamed when too large to hold, or (over
/// `--max-file-size`) counted and not read.
pub fn scan_object(
    pipeline: &Pipeline,
    repo: &Repository,
    packs: Option<&mut PackReader>,
    oid: git2::Oid,
    origin: &Origin,
) -> Vec<Finding> {
    match read_blob(repo, packs, oid, limits(pipeline)) {
        Ok(BoundedBlob::Within(blob)) => pipeline.findings_in(blob.content(), origin, None),
        Ok(BoundedBlob::Streamed(mut reader)) => scan_streamed(pipeline, &mut reader, oid, origin),
        Ok(BoundedBlob::TooLarge(size)) => {
            pipeline.skip_too_large(origin, size);
            Vec::new()
        }
        Err(e) => {
            report_unreadable(pipeline, origin, oid, &e);
            Vec::new()
        }
    }
}

/// Scans a streamed blob; one that fails to inflate is reported as corrupt.
pub fn scan_streamed(pipeline: &Pipeline, reader: &mut BlobReader, oid: git2::Oid, origin: &Origin) -> Vec<Finding> {
    match pipeline.findings_in_stream(reader, origin) {
        Ok(found) => found,
        Err(e) => {
            report_unreadable(pipeline, origin, oid, &git2::Error::from_str(&e.to_string()));
            Vec::new()
        }
    }
}
