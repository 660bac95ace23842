//! The front doors: the ways users start a retried call. The attribute's expansion (its
//! glue, [`attribute`]), the closure builders ([`builder`]), the tower layer ([`tower`]),
//! the reqwest middleware (`reqwest`) and `retry_call` ([`report`]). Each is thin: it builds a call and runs its attempts through
//! [`attempts`](crate::attempts), which the engine judges.

pub(crate) mod attribute;
pub mod builder;
pub(crate) mod report;
#[cfg(feature = "reqwest-middleware")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-middleware")))]
pub mod reqwest;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
