async fn fetch(client: &Client) -> Result<Item, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let mut __retry_hedging = ::core::pin::pin!(
        ::retry_runtime::__private::hedged::<Result<Item, Error>, _>(
            &const { ::retry_runtime::Policy::new().max_attempts(3) },
            ::core::time::Duration::from_millis(50)
        )
        .classified(
            &(&&::retry_runtime::__private::ClassifyCheck::<Result<Item, Error>>::new())
                .__retry_classify()
        )
        .race("fetch", ::retry_runtime::__private::describer!())
    );
    let mut __retry_call = ::retry_runtime::__private::CallId::new();
    loop {
        let __retry_context = __retry_hedging.as_mut().context(&mut __retry_call);
        __retry_hedging.as_mut().start(
            ::retry_runtime::__private::attempt::<Result<Item, Error>, _>(async {
                let cx: ::retry_runtime::Context = __retry_context.bind();
                client
                    .get()
                    .header("x-retry-attempt", cx.attempt)
                    .send()
                    .await
            }),
        );
        if let ::core::option::Option::Some(__retry_outcome) = __retry_hedging.as_mut().next().await
        {
            return __retry_outcome;
        }
    }
}
