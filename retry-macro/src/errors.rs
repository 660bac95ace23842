//! One error sink for every phase: parsing the keys, parsing the item, checking them
//! against each other and expanding. Each phase reports what it finds and goes on, so one
//! malformed key does not hide another mistake.

use proc_macro2::TokenStream;

#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Runs a check that reports by `Result`.
    pub(crate) fn check(&mut self, result: syn::Result<()>) {
        if let Err(error) = result {
            self.push(error);
        }
    }

    /// Every error, combined into one, or `None` when there is none.
    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.0
    }

    /// The errors as `compile_error!`s, or `None` when there is none.
    pub(crate) fn into_compile_errors(self) -> Option<TokenStream> {
        self.into_error().map(syn::Error::into_compile_error)
    }
}
