//! Reading a blob from the object store for the pipeline: over the size limit it is counted, a
//! missing or corrupt object is an error that makes the run exit 2.

use git2::Repository;

use crate::finding::Finding;
use crate::git::object::{BoundedBlob, read_blob};
use crate::git::pack::PackReader;
use crate::origin::Origin;
use crate::pipeline::Pipeline;

/// Reports an object that could not be read, naming it and the path it was read for.
pub fn report_unreadable(pipeline: &Pipeline, origin: &Origin, oid: git2::Oid, error: &git2::Error) {
    pipeline.error(&format!(
        "{}: object {oid} is missing or corrupt: {}",
        origin.path,
        error.message()
    ));
}

/// Reads a blob by id and scans it (`Pipeline::scan_bytes` scans bytes already read); over the size limit it is counted, not read.
pub fn scan_object(
    pipeline: &Pipeline,
    repo: &Repository,
    packs: Option<&mut PackReader>,
    oid: git2::Oid,
    origin: &Origin,
) -> Vec<Finding> {
    match read_blob(repo, packs, oid, pipeline.max_file_size) {
        Ok(BoundedBlob::Within(blob)) => pipeline.findings_in(blob.content(), origin, None),
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
