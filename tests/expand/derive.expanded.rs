#[automatically_derived]
impl ::retry_runtime::Retryable for ApiError {
    #[inline]
    fn retryable(&self) -> bool {
        match self {
            Self::Throttled { .. } => true,
            Self::Unavailable { .. } => true,
            Self::NotFound { .. } => false,
            Self::Database {
                0: __retry_field, ..
            } => ::retry_runtime::Retryable::retryable(__retry_field),
            Self::Io {
                0: __retry_field, ..
            } => ::retry_runtime::__private::judge_field(classify::io, __retry_field),
        }
    }
    #[inline]
    fn hint(&self) -> ::core::option::Option<::core::time::Duration> {
        match self {
            Self::Throttled {
                retry_after: __retry_field,
                ..
            } => ::retry_runtime::__private::AsHint::as_hint(__retry_field),
            Self::Database {
                0: __retry_field, ..
            } => ::retry_runtime::Retryable::hint(__retry_field),
            _ => ::core::option::Option::None,
        }
    }
}
