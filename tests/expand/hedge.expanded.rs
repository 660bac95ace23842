async fn fetch(client: &Client) -> Result<Item, Error> {
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let mut __retry_hedging = ::core::pin::pin!(
        ::retry_runtime::__private::hedged::<Result<Item, Error>, _>(
            &const { ::retry_runtime::Policy::new().max_attempts(3) },
            ::core::time::Duration::from_millis(50)
        )
        .when(|e| e.is_transient())
        .attempt_timeout(::core::time::Duration::from_secs(1))
        .race("fetch", ::retry_runtime::__private::describer!())
    );
    loop {
        __retry_hedging.as_mut().start(
            ::retry_runtime::__private::attempt::<Result<Item, Error>, _>(async {
                client.get().await
            }),
        );
        if let ::core::option::Option::Some(__retry_outcome) = __retry_hedging.as_mut().next().await
        {
            return __retry_outcome;
        }
    }
}
