pub fn fetch(id: u32) -> Result<String, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let __retry_policy = || {
        &const {
            ::retry_runtime::Policy::new()
                .max_attempts(3)
                .base(::core::time::Duration::from_millis(10))
        }
    };
    let mut __retry_state = ::retry_runtime::__private::CallState::blocking(&*__retry_policy());
    loop {
        let __retry_delay = {
            #[allow(clippy::redundant_closure_call)]
            let __retry_outcome = (|| -> Result<String, Error> { client().get(id) })();
            match ::retry_runtime::__private::judge!(
                __retry_state,
                &*__retry_policy(),
                &__retry_outcome,
                "fetch"
            )
            .when(|e| e.is_transient())
            .next()
            {
                ::core::option::Option::Some(__retry_delay) => __retry_delay,
                ::core::option::Option::None => return __retry_outcome,
            }
        };
        ::retry_runtime::__private::sleep(__retry_delay);
    }
}
