async fn charge(client: &Client, order: &Order) -> Result<Receipt, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let __retry_policy = || {
        &const {
            ::retry_runtime::Policy::new()
                .max_attempts(3)
                .deadline(::core::time::Duration::from_secs(2))
        }
    };
    let mut __retry_state = ::retry_runtime::__private::CallState::new(&*__retry_policy());
    let mut __retry_call = ::retry_runtime::__private::CallId::new();
    loop {
        {
            let __retry_delay = {
                let __retry_context = __retry_state.context(&*__retry_policy(), &mut __retry_call);
                let __retry_outcome: Result<Receipt, Error> =
                    ::retry_runtime::__private::attempt::<Result<Receipt, Error>, _>(async {
                        let cx: ::retry_runtime::Context = __retry_context.bind();
                        client.charge(order, cx.call_id, cx.remaining()).await
                    })
                    .await;
                match ::retry_runtime::__private::judge!(
                    __retry_state,
                    &*__retry_policy(),
                    &__retry_outcome,
                    "charge"
                )
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
