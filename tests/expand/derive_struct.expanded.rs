#[automatically_derived]
impl<T> ::retry_runtime::Retryable for Busy<T> {
    #[inline]
    fn retryable(&self) -> bool {
        match self {
            Self { .. } => true,
        }
    }
    #[inline]
    fn hint(&self) -> ::core::option::Option<::core::time::Duration> {
        match self {
            Self {
                0: __retry_field, ..
            } => ::retry_runtime::__private::AsHint::as_hint(__retry_field),
        }
    }
}
