async fn fetch(&self) -> Result<Item, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let __retry_policy = || &const { ::retry_runtime::Policy::new().max_attempts(3) };
    let mut __retry_state = ::retry_runtime::__private::CallState::new(&*__retry_policy());
    loop {
        {
            let __retry_delay = {
                let mut __retry_within = ::core::pin::pin!(__retry_state.within(
                    &*__retry_policy(),
                    ::core::time::Duration::from_secs(1),
                    &::retry_runtime::__private::DefaultSleep,
                    {
                        #[allow(unused_imports)]
                        use ::retry_runtime::__private::{CutByFrom as _, CutMissing as _};
                        (&&::retry_runtime::__private::CutCheck::<Result<Item, Error>>::new())
                            .__retry_cut()
                    },
                    "fetch",
                    ::retry_runtime::__private::attempt::<Result<Item, Error>, _>(async {
                        self.client.get().await
                    })
                ));
                let __retry_outcome: Result<Item, Error> = match __retry_state.admit(
                    ::core::option::Option::Some(&BREAKER),
                    ::core::option::Option::Some(&self.throttle),
                ) {
                    ::core::option::Option::Some(__retry_outcome) => __retry_outcome,
                    ::core::option::Option::None => __retry_within.as_mut().await,
                };
                match ::retry_runtime::__private::judge!(
                    __retry_state,
                    &*__retry_policy(),
                    &__retry_outcome,
                    "fetch"
                )
                .breaker(&BREAKER)
                .throttle(&self.throttle)
                .classified(
                    &(&&::retry_runtime::__private::ClassifyCheck::of(&__retry_outcome))
                        .__retry_classify(),
                )
                .cut(__retry_within.timed_out())
                .next()
                {
                    ::core::option::Option::Some(__retry_delay) => __retry_delay,
                    ::core::option::Option::None => return __retry_outcome,
                }
            };
            ::retry_runtime::__private::sleep_async(
                __retry_delay,
                &::retry_runtime::__private::DefaultSleep,
            )
        }
        .await;
    }
}
