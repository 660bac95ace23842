//! The front doors: the ways users start a retried call. The attribute's expansion (its
//! glue, [`attribute`]), the closure builders ([`builder`]), the tower layer ([`tower`]) and
//! `retry_call` ([`report`]). Each is thin: it builds a call and runs its attempts through
//! [`attempts`](crate::attempts), which the engine judges.

pub(crate) mod attribute;
pub mod builder;
pub(crate) mod report;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
