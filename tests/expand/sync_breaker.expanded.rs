fn fetch(client: &Client) -> Result<Item, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let __retry_policy = || &const { ::retry_runtime::Policy::new().max_attempts(3) };
    let mut __retry_state = ::retry_runtime::__private::CallState::blocking(&*__retry_policy());
    loop {
        let __retry_delay = {
            #[allow(clippy::redundant_closure_call)]
            let __retry_outcome: Result<Item, Error> = match __retry_state.admit_with(
                ::core::option::Option::Some(&BREAKER),
                ::core::option::Option::None,
                &::retry_runtime::__private::rejected(|r| Error::from(std::io::Error::from(r))),
            ) {
                ::core::option::Option::Some(__retry_outcome) => __retry_outcome,
                ::core::option::Option::None => (|| -> Result<Item, Error> { client.get() })(),
            };
            match ::retry_runtime::__private::judge!(
                __retry_state,
                &*__retry_policy(),
                &__retry_outcome,
                "fetch"
            )
            .breaker(&BREAKER)
            .classified(
                &(&&::retry_runtime::__private::ClassifyCheck::of(&__retry_outcome))
                    .__retry_classify(),
            )
            .next()
            {
                ::core::option::Option::Some(__retry_delay) => __retry_delay,
                ::core::option::Option::None => return __retry_outcome,
            }
        };
        ::retry_runtime::__private::sleep(__retry_delay);
    }
}
