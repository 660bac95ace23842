async fn fetch(client: &Client) -> Result<Item, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let __retry_policy = || {
        &const {
            ::retry_runtime::Policy::new()
                .max_attempts(5)
                .base(::core::time::Duration::from_millis(100))
                .max_delay(::core::time::Duration::from_secs(2))
                .jitter(::retry_runtime::Jitter::Full)
        }
    };
    let mut __retry_state = ::retry_runtime::__private::CallState::timed(&*__retry_policy());
    loop {
        {
            let __retry_delay = {
                let __retry_outcome: Result<Item, Error> =
                    ::retry_runtime::__private::attempt::<Result<Item, Error>, _>(async {
                        client.get().await
                    })
                    .await;
                match ::retry_runtime::__private::judge!(
                    __retry_state,
                    &*__retry_policy(),
                    &__retry_outcome,
                    "fetch"
                )
                .on_give_up(report)
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
            ::retry_runtime::__private::sleep_async(
                __retry_delay,
                &::retry_runtime::__private::DefaultSleep,
            )
        }
        .await;
    }
}
