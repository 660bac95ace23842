//! Duration literals: `"250us"`, `"500ms"`, `"1.5s"`, `"1m30s"`, `"1h"`, parsed by the
//! grammar the runtime's `parse_duration` shares ([`grammar`](crate::grammar)), written as
//! `Duration` constructors.

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote_spanned;

pub(crate) use crate::grammar::{EXPECTED, parse};

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// `::core::time::Duration` of `nanos`, in the largest exact unit.
pub(crate) fn to_tokens(nanos: u128, span: Span) -> TokenStream {
    let whole = |unit: u128| {
        (nanos % unit == 0)
            .then(|| {
                u64::try_from(nanos / unit)
                    .ok()
                    .map(Literal::u64_unsuffixed)
            })
            .flatten()
    };
    if let Some(secs) = whole(NANOS_PER_SEC) {
        quote_spanned!(span=> ::core::time::Duration::from_secs(#secs))
    } else if let Some(millis) = whole(1_000_000) {
        quote_spanned!(span=> ::core::time::Duration::from_millis(#millis))
    } else if let Some(micros) = whole(1_000) {
        quote_spanned!(span=> ::core::time::Duration::from_micros(#micros))
    } else if let Some(nanos) = whole(1) {
        quote_spanned!(span=> ::core::time::Duration::from_nanos(#nanos))
    } else {
        // Checked by `parse`: the seconds fit in a u64, the rest in a u32.
        let secs =
            Literal::u64_unsuffixed(u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX));
        let subsec = Literal::u32_unsuffixed(u32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0));
        quote_spanned!(span=> ::core::time::Duration::new(#secs, #subsec))
    }
}
