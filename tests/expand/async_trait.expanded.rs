fn get<'life0, 'async_trait>(
    &'life0 self,
    id: u32,
) -> ::core::pin::Pin<
    Box<
        dyn ::core::future::Future<Output = Result<u8, Error>>
            + ::core::marker::Send
            + 'async_trait,
    >,
>
where
    'life0: 'async_trait,
    Self: 'async_trait,
{
    ::std::boxed::Box::pin(async move {
        if let ::core::option::Option::Some(__ret) =
            ::core::option::Option::None::<Result<u8, Error>>
        {
            #[allow(unreachable_code)]
            return __ret;
        }
        let __self = self;
        let id = id;
        #[allow(unused_imports)]
        use ::retry_runtime::__private::reserved::*;
        let __retry_policy = || &const { ::retry_runtime::Policy::new().max_attempts(3) };
        let mut __retry_state = ::retry_runtime::__private::CallState::new(&*__retry_policy());
        loop {
            {
                let __retry_delay = {
                    let __retry_outcome: Result<u8, Error> = __retry_state
                        .within(
                            &*__retry_policy(),
                            ::core::time::Duration::from_secs(2),
                            &::retry_runtime::__private::DefaultSleep,
                            {
                                #[allow(unused_imports)]
                                use ::retry_runtime::__private::{CutByFrom as _, CutMissing as _};
                                (&&::retry_runtime::__private::CutCheck::<Result<u8, Error>>::new())
                                    .__retry_cut()
                            },
                            "get",
                            ::retry_runtime::__private::attempt::<Result<u8, Error>, _>(async {
                                __self.client.get(id).await
                            }),
                        )
                        .await;
                    match ::retry_runtime::__private::judge!(
                        __retry_state,
                        &*__retry_policy(),
                        &__retry_outcome,
                        "get"
                    )
                    .when(|e| __self.is_transient(e))
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
    })
}
